import type { Context } from "hono";
import type { AppEnv } from "../../../adapters/http-server/app-env.ts";

/**
 * The one check every content write goes through: admins manage content when authentication is on.
 * The request context carries no roles yet (the security work adds them), so this lets every caller
 * through; wire it to that policy here, once, when roles arrive.
 */
export function requireContentAdmin(_c: Context<AppEnv>): void {}
