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

/** What identity is read from: the path and the two header fields that may name the caller. */
export interface CallerHeaders {
  path: string;
  authorization: string | undefined;
  /** The legacy X-User-Id: a sticky routing key, never an identity. */
  userId: string | undefined;
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
export async function callerIdentity(request: CallerHeaders, route: RouteDefinition, policy: IdentityPolicy): Promise<CallerIdentity> {
  // No token: nothing to verify, and no promise to wait on for the legacy clients that send none.
  const verified = request.authorization === undefined ? undefined : await bearerCaller(policy.tokens, request.authorization);
  if (verified) return { key: verified.subject };
  if (policy.requireAuth.includes(route.name)) {
    throw AppError.unauthorized(`${request.path} requires a bearer token`);
  }
  const legacyKey = request.userId?.trim();
  return { key: legacyKey && legacyKey.length <= MAX_KEY_LENGTH ? legacyKey : undefined };
}
