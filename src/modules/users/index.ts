export { USERS_API, User, UserInput, type UsersApi } from "./users.contract.ts";
export { UsersService } from "./users.service.ts";
export { UsersClient } from "./users.client.ts";
export { usersRoutes } from "./users.routes.ts";
export { usersModule } from "./users.module.ts";
