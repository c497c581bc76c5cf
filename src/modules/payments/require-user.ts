import { AppError } from "../../contracts/app-error.ts";
import type { UsersApi } from "../users/index.ts";

/** Payments and subscriptions belong to an existing user; asked of the users port, never of its tables. */
export async function requireUser(users: UsersApi, userId: number): Promise<void> {
  if (!(await users.exists(userId))) throw AppError.notFound(`user ${userId} not found`);
}
