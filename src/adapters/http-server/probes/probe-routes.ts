import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";

/**
 * Kubernetes probes, which mean different things: /live answers while the process can serve at all
 * (a failure restarts the pod); /ready answers 200 only while every dependency answers (database,
 * broker), so a pod whose dependencies are away is taken out of the Service, not restarted.
 */
export function probeRoutes(dependencies: Record<string, () => Promise<boolean>>) {
  return new Hono<AppEnv>()
    .get("/live", (c) => c.json({ status: "live" }))
    .get("/ready", async (c) => {
      const names = Object.keys(dependencies);
      const results = await Promise.all(names.map((name) => dependencies[name]!()));
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i] ? "up" : "down"]));
      const ready = results.every(Boolean);
      return c.json({ status: ready ? "ready" : "not ready", checks }, ready ? 200 : 503);
    });
}
