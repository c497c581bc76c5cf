import { createRoute } from "@hono/zod-openapi";
import { Health } from "../../../contracts/health.ts";
import { createRouter } from "../create-app.ts";
import { jsonReply } from "../docs/openapi-shapes.ts";

/** The legacy health answers `{"status": true}`; 503 with `false` when the database does not answer. */
export function healthRoutes(paths: string[], isHealthy: () => Promise<boolean>) {
  const router = createRouter();
  for (const path of paths) {
    const route = createRoute({
      method: "get",
      path,
      tags: ["health"],
      summary: "Health of this service",
      responses: { 200: jsonReply("Healthy", Health), 503: jsonReply("The database does not answer", Health) },
    });
    router.openapi(route, async (c) => ((await isHealthy()) ? c.json({ status: true }, 200) : c.json({ status: false }, 503)));
  }
  return router;
}
