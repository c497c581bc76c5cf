import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { Page } from "../../contracts/pagination.ts";

const username = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[\p{L}\p{N}._-]+$/u, "may hold only letters, digits, '.', '_' and '-'");

const email = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .trim()
  .max(254, "must be at most 254 characters")
  .pipe(z.email("must be a valid email address"));

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
