import { createRoute } from "@hono/zod-openapi";
import { clientOrigin } from "../../adapters/http-server/pipeline/client-address.ts";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import { bearerToken } from "../../adapters/tokens/access-tokens.ts";
import { AppError } from "../../contracts/app-error.ts";
import { User } from "../users/index.ts";
import { type AuthApi, LoginInput, Me, RefreshInput, RegisterInput, TokenReply } from "./auth.contract.ts";

const register = createRoute({
  method: "post",
  path: "/api/auth/register",
  tags: ["auth"],
  summary: "Register a user with a password",
  request: { body: jsonBody(RegisterInput) },
  responses: { 201: jsonReply("The created user", User), ...errorResponses(400, 409, 429) },
});

const login = createRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Log in with username (or email) and password: OAuth2-style tokens",
  request: { body: jsonBody(LoginInput) },
  responses: { 200: jsonReply("Tokens", TokenReply), ...errorResponses(400, 401, 429) },
});

const refresh = createRoute({
  method: "post",
  path: "/api/auth/refresh",
  tags: ["auth"],
  summary: "Rotate a refresh token",
  request: { body: jsonBody(RefreshInput) },
  responses: { 200: jsonReply("New tokens", TokenReply), ...errorResponses(400, 401) },
});

const logout = createRoute({
  method: "post",
  path: "/api/auth/logout",
  tags: ["auth"],
  summary: "Revoke the refresh token's session",
  request: { body: jsonBody(RefreshInput) },
  responses: { 204: { description: "Logged out" }, ...errorResponses(400) },
});

const me = createRoute({
  method: "get",
  path: "/api/auth/me",
  tags: ["auth"],
  summary: "The user the bearer token was issued to",
  responses: { 200: jsonReply("The user", Me), ...errorResponses(401) },
});

/** /api/auth over any AuthApi; `trustedHops` says which X-Forwarded-For entry is the client (TRUSTED_PROXY_HOPS). */
export function authRoutes(auth: AuthApi, trustedHops: number) {
  return createRouter()
    .openapi(register, async (c) => c.json(await auth.register(c.req.valid("json"), clientOrigin(c, trustedHops)), 201))
    .openapi(login, async (c) => c.json(await auth.login(c.req.valid("json"), clientOrigin(c, trustedHops)), 200))
    .openapi(refresh, async (c) => c.json(await auth.refresh(c.req.valid("json")), 200))
    .openapi(logout, async (c) => {
      await auth.logout(c.req.valid("json"));
      return c.body(null, 204);
    })
    .openapi(me, async (c) => {
      const token = bearerToken(c.req.header("authorization"));
      if (!token) throw AppError.unauthorized("a bearer token is required");
      return c.json(await auth.me(token), 200);
    });
}
