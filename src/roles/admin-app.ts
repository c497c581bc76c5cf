import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import { withBaseMiddleware } from "../adapters/http-server/create-app.ts";
import { answerWrongMethodsWith405 } from "../adapters/http-server/errors/method-not-allowed.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import { outboxAdminRoutes } from "../adapters/outbox/outbox-admin-routes.ts";
import type { FetchHandler } from "../proxy/targets/app-target.ts";
import type { Platform } from "./platform.ts";

export interface AdminParts {
  log: Logger;
  /** Every registry the role's metrics live in (the role's own, the gateway's); scraped together. */
  registries: readonly Registry[];
  /** ADMIN_TOKEN: without it only /metrics answers, as the gateway's admin API is then off too. */
  token: string | undefined;
  /** A role with a database: the outbox admin calls. */
  platform?: Platform;
  /** The gateway's admin app, which answers every other path (its admin API under /admin/routes). */
  gateway?: { fetch: FetchHandler };
  /** False in a role that never enters the async request context (see ModuleDescriptor.asyncRequestContext): one scrape would enter it for the whole process. */
  asyncContext?: boolean;
}

const OWN_PATHS = /^\/(metrics|admin\/outbox)(\/|$)/;

/**
 * The admin listener's app of any role: `/metrics` (all its registries in one scrape) and, with a
 * token, the outbox's dead-letter calls; in a role with a gateway, every other path goes to the
 * gateway's own admin app. One listener per process, even in the all-in-one.
 */
export function adminApp(parts: AdminParts): { fetch: FetchHandler } {
  const log = parts.log.child({ component: "admin" });
  const own = withBaseMiddleware(new Hono<AppEnv>(), log, { asyncContext: parts.asyncContext });
  own.get("/metrics", async (c) => {
    const texts = await Promise.all(parts.registries.map((r) => r.metrics()));
    return c.body(texts.join("\n"), 200, { "content-type": parts.registries[0]!.contentType });
  });
  if (parts.token && parts.platform) own.route("/", outboxAdminRoutes(parts.token, parts.platform.database.db, log));
  answerWrongMethodsWith405(own);
  const gateway = parts.gateway;
  if (!gateway) return { fetch: own.fetch };
  return {
    fetch: (request, ...rest) => (OWN_PATHS.test(new URL(request.url).pathname) ? own.fetch(request, ...rest) : gateway.fetch(request, ...rest)),
  };
}
