import type { ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { USERS_API, type UsersApi } from "./users.contract.ts";
import { UsersClient } from "./users.client.ts";
import { usersRoutes } from "./users.routes.ts";
import { UsersService } from "./users.service.ts";
import { usersSchema } from "./users.tables.ts";

const usersPort: PortBinding<UsersApi> = {
  token: USERS_API,
  inProcess: (c) => new UsersService(c.resolve(DATABASE)),
  remote: (http) => new UsersClient(http),
};

/** The platform's users; other modules ask this port whether a user exists. */
export const usersModule: ModuleDescriptor = {
  name: "users",
  title: "CinemaAbyss users service",
  routePrefixes: ["/api/users"],
  defaultPort: 8083,
  healthPath: "/api/users/health",
  inMonolith: true,
  schema: usersSchema.schemaName,
  ports: [usersPort],
  routes: (c) => usersRoutes(c.resolve(USERS_API)),
};
