import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import { AccessTokens, bearerToken, InvalidToken } from "../../adapters/tokens/access-tokens.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { RouteDefinition } from "./route-table.ts";

const MAX_KEY_LENGTH = 256;

export interface IdentityPolicy {
  tokens: AccessTokens;
  /** Route names that need a valid bearer token; "all" for every route. Others stay open for legacy clients. */
  requireAuth: readonly string[];
}

export interface CallerIdentity {
  /** The sticky routing key: the token's subject, else the legacy X-User-Id header. */
  key: string | undefined;
  /** The verified user id passed upstream as X-User-Id; undefined without a valid token. */
  userId: string | undefined;
}

/**
 * Who is calling. A bearer token, when sent, must be valid (401 otherwise) and then names the user;
 * a route that requires auth answers 401 without one. A caller-sent X-User-Id is only a routing key,
 * never an identity: upstreams see X-User-Id only from a verified token.
 */
export async function callerIdentity(c: Context<AppEnv>, route: RouteDefinition, policy: IdentityPolicy): Promise<CallerIdentity> {
  const token = bearerToken(c.req.header("authorization"));
  if (token) {
    try {
      const { subject } = await policy.tokens.verify(token);
      return { key: subject, userId: subject };
    } catch (error) {
      if (error instanceof InvalidToken) throw AppError.unauthorized(`bearer token refused: ${error.message}`, error.detail);
      throw error;
    }
  }
  if (policy.requireAuth.includes("all") || policy.requireAuth.includes(route.name)) {
    throw AppError.unauthorized(`${c.req.path} requires a bearer token`);
  }
  const legacyKey = c.req.header("x-user-id")?.trim();
  return { key: legacyKey && legacyKey.length <= MAX_KEY_LENGTH ? legacyKey : undefined, userId: undefined };
}
