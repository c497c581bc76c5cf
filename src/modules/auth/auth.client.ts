import { z } from "@hono/zod-openapi";
import { RemoteClient } from "../../adapters/http-client/remote-client.ts";
import { User } from "../users/index.ts";
import { type AuthApi, type LoginInput, type RefreshInput, type RegisterInput, TokenReply } from "./auth.contract.ts";

/** AuthApi over HTTP: the auth service. */
export class AuthClient implements AuthApi {
  constructor(private readonly http: RemoteClient) {}

  register(input: RegisterInput): Promise<User> {
    return this.http.call("POST", "/api/auth/register", User, input);
  }

  // The caller's address reaches the auth service as X-Forwarded-For, which its limiter reads.
  login(input: LoginInput, clientAddress: string | undefined): Promise<TokenReply> {
    return this.http.call("POST", "/api/auth/login", TokenReply, input, clientAddress ? { "x-forwarded-for": clientAddress } : {});
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
