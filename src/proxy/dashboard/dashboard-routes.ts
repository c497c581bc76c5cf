import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import type { RoutesReport, TrafficReport } from "../control/admin-routes.ts";
import type { RolloutReport } from "../rollout/rollout-controller.ts";
import type { DiffReport } from "../shadow/diff-report.ts";
import { dashboardAssets } from "./dashboard-assets.ts";
import { dashboardPage } from "./dashboard-page.ts";

/** One route's progressive delivery as the dashboard shows it: the rollout and the shadow report. */
export interface RouteDelivery {
  rollout: RolloutReport;
  diff: DiffReport;
}

/** What the dashboard shows, read live from the gateway. */
export interface DashboardSources {
  routes(): RoutesReport;
  traffic(seconds: number): TrafficReport;
  /** Each route's rollout and shadow report, when the gateway runs rollouts. */
  delivery?(): Promise<Record<string, RouteDelivery>>;
}

/** One event of GET /admin/stream: everything on the page at one moment. */
export interface DashboardSnapshot {
  at: number;
  routes: RoutesReport;
  traffic: TrafficReport;
  delivery: Record<string, RouteDelivery>;
}

export const DASHBOARD_HISTORY_SECONDS = 15 * 60;
const TICK_MS = 2_000;
// A stream ends after a while and the browser opens a new one: no connection lives forever.
const STREAM_LIFETIME_MS = 5 * 60_000;
// Each tick carries the last buckets again: the one that was filling and the one now filling.
const TICK_SECONDS = 10;

// The page loads nothing from elsewhere; uPlot sets sizes in inline styles.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * The migration dashboard on the admin listener: the page and its assets at `/` (public: they hold
 * no data), and the live stream of routes, traffic and rollouts behind the admin token.
 */
export function dashboardRoutes(token: string, sources: DashboardSources, shutdown: AbortSignal) {
  const snapshot = async (seconds: number): Promise<DashboardSnapshot> => ({
    at: Date.now(),
    routes: sources.routes(),
    traffic: sources.traffic(seconds),
    delivery: sources.delivery ? await sources.delivery() : {},
  });

  return new Hono<AppEnv>()
    .get("/", (c) => {
      c.header("content-security-policy", CSP);
      return c.html(dashboardPage());
    })
    .get("/dashboard/app.js", async (c) => c.body((await dashboardAssets()).script, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }))
    .get("/dashboard/app.css", async (c) => c.body((await dashboardAssets()).style, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }))
    .use("/admin/stream", bearerAuth({ token }))
    .get("/admin/stream", (c) =>
      streamSSE(c, async (stream) => {
        const ends = Date.now() + STREAM_LIFETIME_MS;
        let id = 0;
        await stream.writeSSE({ event: "snapshot", id: String(id++), data: JSON.stringify(await snapshot(DASHBOARD_HISTORY_SECONDS)) });
        while (!stream.aborted && !shutdown.aborted && Date.now() < ends) {
          await stream.sleep(TICK_MS);
          if (stream.aborted || shutdown.aborted) break;
          await stream.writeSSE({ event: "tick", id: String(id++), data: JSON.stringify(await snapshot(TICK_SECONDS)) });
        }
      }),
    );
}
