import type { Context } from "hono";
import type { AppEnv } from "../../../adapters/http-server/app-env.ts";
import { RecordAccess } from "../../../adapters/request-context/record-access.ts";

/**
 * The one check every content write goes through: where the movies route is closed, only an admin
 * manages content (403 for a user); where it is open (the legacy mode), anyone may.
 */
export function requireContentAdmin(c: Context<AppEnv>): void {
  RecordAccess.of(c.var).checkEveryone("managing a movie's content");
}
