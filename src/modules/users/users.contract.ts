import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { Page } from "../../contracts/pagination.ts";
import { text, trimmedPattern } from "../../contracts/text.ts";

const USERNAME = /^[\p{L}\p{N}._-]+$/u;

// The pattern is stricter than text()'s, so it is the one published (with the whitespace that is trimmed).
const username = text(64, { blank: false })
  .regex(USERNAME, "may hold only letters, digits, '.', '_' and '-'")
  .openapi({ pattern: trimmedPattern(USERNAME) });

// Published with the pattern the server checks (zod's), so what a generator draws from it is accepted.
const email = text(254, { blank: false })
  .pipe(z.email())
  .openapi({ pattern: trimmedPattern(z.regexes.email), format: "email" });

export const UserInput = z
  .object({ username, email }, { error: "must be a JSON object" })
  .openapi("UserInput", { example: { username: "john_doe", email: "john.doe@example.com" } });
export type UserInput = z.infer<typeof UserInput>;

export const User = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
  })
  .openapi("User", { example: { id: 1, username: "john_doe", email: "john.doe@example.com" } });
export type User = z.infer<typeof User>;

/** The users port: what other modules and the routes may ask of users, wherever users run. */
export interface UsersApi {
  /** Users in id order, one page (the whole list when the page has no limit). */
  list(page: Page): Promise<User[]>;
  /** The same list as pages of bounded size, read one after the other: how a whole list is served. */
  pages(page: Page): AsyncIterable<User[]>;
  /** The user with this id; throws NOT_FOUND when there is none. */
  get(id: number): Promise<User>;
  /** Whether a user with this id exists; never throws NOT_FOUND. */
  exists(id: number): Promise<boolean>;
  /** The user whose username or email is this, whatever its case; undefined when none. */
  findByLogin(login: string): Promise<User | undefined>;
  /** Creates a user; throws CONFLICT when the username or email is taken (case-insensitive). */
  create(input: UserInput): Promise<User>;
}

export const USERS_API: InjectionToken<UsersApi> = Symbol("UsersApi");
