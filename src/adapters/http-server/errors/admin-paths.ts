import type { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";

/** What only the admin listener serves; a public port answers 404 for these, whatever sits behind it. */
export const ADMIN_ONLY_PATHS = ["/metrics", "/admin", "/admin/*"] as const;

/** Whether a path is one of ADMIN_ONLY_PATHS. */
export function isAdminOnlyPath(path: string): boolean {
  return path === "/metrics" || path === "/admin" || path.startsWith("/admin/");
}

/**
 * On the gateway's public port: 404 for the admin paths instead of proxying them, so no upstream
 * (a legacy monolith with its own /metrics) is ever reachable there through the ingress.
 */
export function answerAdminPathsWith404(app: Hono<AppEnv>): void {
  for (const path of ADMIN_ONLY_PATHS) app.all(path, (c) => c.notFound());
}
