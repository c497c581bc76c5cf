import { z } from "@hono/zod-openapi";
import { RemoteClient, queryString } from "../../adapters/http-client/remote-client.ts";
import { offsetPages } from "../../adapters/http-client/offset-pages.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { Page } from "../../contracts/pagination.ts";
import { User, type UserInput, type UsersApi } from "./users.contract.ts";

/** UsersApi over HTTP: a users service (or a monolith) somewhere else. */
export class UsersClient implements UsersApi {
  constructor(private readonly http: RemoteClient) {}

  list(page: Page): Promise<User[]> {
    return this.http.call("GET", `/api/users${queryString({ limit: page.limit, offset: page.offset })}`, z.array(User));
  }

  pages(page: Page): AsyncIterable<User[]> {
    return offsetPages((one) => this.list({ ...page, ...one }), page);
  }

  get(id: number): Promise<User> {
    return this.http.call("GET", `/api/users${queryString({ id })}`, User);
  }

  async exists(id: number): Promise<boolean> {
    try {
      await this.get(id);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === "NOT_FOUND") return false;
      throw error;
    }
  }

  async findByLogin(login: string): Promise<User | undefined> {
    const [user] = await this.http.call("GET", `/api/users${queryString({ login })}`, z.array(User));
    return user;
  }

  create(input: UserInput): Promise<User> {
    return this.http.call("POST", "/api/users", User, input);
  }
}
