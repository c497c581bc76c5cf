import type { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { AppError } from "../../../contracts/app-error.ts";

/**
 * Hono answers 404 for a known path with an unknown method; clients deserve 405 with an Allow
 * header. Call after every route is registered: it reads the app's own route table.
 */
export function answerWrongMethodsWith405(app: Hono<AppEnv>): void {
  const allowed = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const methods = allowed.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
    allowed.set(route.path, methods);
  }
  for (const [path, methods] of allowed) {
    const allow = [...methods].sort().join(", ");
    app.all(path, (c) => {
      c.header("Allow", allow);
      throw new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`);
    });
  }
}
