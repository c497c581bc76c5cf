import type { ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { TRUSTED_PROXY_HOPS } from "../../adapters/http-server/pipeline/client-address.ts";
import { configuredAccessTokens } from "../../adapters/tokens/configured-access-tokens.ts";
import { USERS_API } from "../users/index.ts";
import { AUTH_API, type AuthApi } from "./auth.contract.ts";
import { AuthClient } from "./auth.client.ts";
import { authRoutes } from "./auth.routes.ts";
import { AuthService } from "./auth.service.ts";
import { authSchema } from "./auth.tables.ts";
import { limitsOn } from "./limiter-store.ts";
import { LoginLimiter, RegistrationLimiter } from "./login-limiter.ts";

const authPort: PortBinding<AuthApi> = {
  token: AUTH_API,
  inProcess: (c, config) => {
    const db = c.resolve(DATABASE);
    const limit = limitsOn(db);
    return new AuthService(
      db,
      c.resolve(USERS_API),
      configuredAccessTokens(config.auth),
      new LoginLimiter(config.auth.loginLimit, limit),
      new RegistrationLimiter(config.auth.registerLimit, limit),
      config.auth.refreshTtlSeconds,
      config.auth.adminUsernames,
    );
  },
  remote: (http) => new AuthClient(http),
};

/** Registration, login and tokens: the target architecture's auth service. */
export const authModule: ModuleDescriptor = {
  name: "auth",
  title: "CinemaAbyss auth service",
  routePrefixes: ["/api/auth"],
  defaultPort: 8085,
  healthPath: "/api/auth/health",
  issuesTokens: true,
  inMonolith: true,
  schema: authSchema.schemaName,
  ports: [authPort],
  routes: (c) => authRoutes(c.resolve(AUTH_API), c.resolve(TRUSTED_PROXY_HOPS)),
};
