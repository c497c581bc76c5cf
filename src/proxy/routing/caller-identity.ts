import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import type { AccessTokens } from "../../adapters/tokens/access-tokens.ts";
import { bearerCaller } from "../../adapters/tokens/bearer-caller.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { RouteDefinition } from "./route-table.ts";

const MAX_KEY_LENGTH = 256;

export interface IdentityPolicy {
  tokens: AccessTokens;
  /** Route names that need a valid bearer token (`all` already expanded by the configuration). Others stay open for legacy clients. */
  requireAuth: readonly string[];
}

export interface CallerIdentity {
  /** The sticky routing key: the token's subject, else the legacy X-User-Id header. */
  key: string | undefined;
}

/**
 * Who is calling, for routing. A bearer token, when sent, must be valid (401 otherwise) and its subject
 * is the sticky key; a route that requires auth answers 401 without one. A caller-sent X-User-Id is only
 * a routing key, never an identity: the upstream gets the caller's Authorization unchanged and
 * verifies it itself.
 */
export async function callerIdentity(c: Context<AppEnv>, route: RouteDefinition, policy: IdentityPolicy): Promise<CallerIdentity> {
  const verified = await bearerCaller(policy.tokens, c.req.header("authorization"));
  if (verified) return { key: verified.subject };
  if (policy.requireAuth.includes(route.name)) {
    throw AppError.unauthorized(`${c.req.path} requires a bearer token`);
  }
  const legacyKey = c.req.header("x-user-id")?.trim();
  return { key: legacyKey && legacyKey.length <= MAX_KEY_LENGTH ? legacyKey : undefined };
}
