import { z } from "@hono/zod-openapi";
import { RemoteClient } from "../../adapters/http-client/remote-client.ts";
import type { ClientOrigin } from "../../adapters/http-server/pipeline/client-address.ts";
import { User } from "../users/index.ts";
import { type AuthApi, type LoginInput, type RefreshInput, type RegisterInput, TokenReply } from "./auth.contract.ts";

/** AuthApi over HTTP: the auth service. */
export class AuthClient implements AuthApi {
  constructor(private readonly http: RemoteClient) {}

  // The client reaches the auth service in X-Forwarded-For, from which its limiters pick it.
  register(input: RegisterInput, client: ClientOrigin): Promise<User> {
    return this.http.call("POST", "/api/auth/register", User, input, forwardedFor(client));
  }

  login(input: LoginInput, client: ClientOrigin): Promise<TokenReply> {
    return this.http.call("POST", "/api/auth/login", TokenReply, input, forwardedFor(client));
  }

  refresh(input: RefreshInput): Promise<TokenReply> {
    return this.http.call("POST", "/api/auth/refresh", TokenReply, input);
  }

  async logout(input: RefreshInput): Promise<void> {
    await this.http.call("POST", "/api/auth/logout", z.undefined(), input);
  }

  me(accessToken: string): Promise<User> {
    return this.http.call("GET", "/api/auth/me", User, undefined, { authorization: `Bearer ${accessToken}` });
  }
}

const forwardedFor = (client: ClientOrigin): Record<string, string> => (client.forwardedFor ? { "x-forwarded-for": client.forwardedFor } : {});
