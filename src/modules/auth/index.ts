export { AUTH_API, type AuthApi, LoginInput, RefreshInput, RegisterInput, TokenReply } from "./auth.contract.ts";
export { AuthService } from "./auth.service.ts";
export { AuthClient } from "./auth.client.ts";
export { authRoutes } from "./auth.routes.ts";
export { LoginLimiter, RegistrationLimiter } from "./login-limiter.ts";
export { authModule } from "./auth.module.ts";
