import type { Config } from "../config/config.ts";
import type { RequestIdentity } from "../adapters/request-context/request-context.ts";
import { configuredAccessTokens } from "../adapters/tokens/configured-access-tokens.ts";
import { matchesPrefix } from "../proxy/routing/route-table.ts";

/**
 * How every role with an API tells who calls: the configured key ring, and the per-route switch
 * (GATEWAY_REQUIRE_AUTH) applied by route name, the same names the gateway uses. A closed module's
 * health path stays open, so probes and the gateway's checks need no token.
 */
export function requestIdentity(config: Readonly<Config>): RequestIdentity {
  const names = new Set(config.auth.requireAuth);
  const closed = config.modules.map(({ module }) => module).filter((m) => names.has(m.name));
  const prefixes = closed.flatMap((m) => m.routePrefixes);
  const healthPaths = new Set(closed.map((m) => m.healthPath));
  return {
    tokens: configuredAccessTokens(config.auth),
    authRequired: (path) => !healthPaths.has(path) && prefixes.some((prefix) => matchesPrefix(prefix, path)),
  };
}
