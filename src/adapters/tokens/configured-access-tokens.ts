import type { AuthConfig } from "../../config/auth-config.ts";
import { AccessTokens } from "./access-tokens.ts";

/** The platform's access tokens as the configuration describes them: the auth module and every verifier alike. */
export function configuredAccessTokens(auth: Readonly<AuthConfig>): AccessTokens {
  return new AccessTokens({ issuer: auth.issuer, audience: auth.audience, ttlSeconds: auth.accessTtlSeconds, keys: auth.keys });
}
