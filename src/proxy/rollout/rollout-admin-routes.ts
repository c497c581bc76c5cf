import { Hono, type Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { z } from "zod";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import type { Logger } from "../../adapters/logging/logger.ts";
import { AppError } from "../../contracts/app-error.ts";
import { validationMessage } from "../../contracts/validation-message.ts";
import type { RolloutAction, RolloutController } from "./rollout-controller.ts";
import { RolloutPlan, ShadowSettings } from "./rollout-plan.ts";

async function parsedBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.output<T>> {
  const body = await c.req.json().catch(() => {
    throw AppError.invalid("body: must be valid JSON");
  });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw AppError.invalid(validationMessage(parsed.error, "body"));
  return parsed.data;
}

const ACTIONS: readonly RolloutAction[] = ["promote", "pause", "resume", "abort"];

/** The rollout and shadow admin API (same token as the rest of /admin). */
export function rolloutAdminRoutes(token: string, rollouts: RolloutController, log: Logger) {
  return new Hono<AppEnv>()
    .use("/admin/*", bearerAuth({ token }))
    .get("/admin/routes/:name/rollout", async (c) => c.json(await rollouts.report(c.req.param("name"))))
    .put("/admin/routes/:name/rollout", async (c) => {
      const plan = await parsedBody(c, RolloutPlan);
      const name = c.req.param("name");
      const record = await rollouts.start(name, plan, "admin-api");
      log.info({ route: name, steps: plan.steps.length, requestId: c.get("requestId") }, "rollout started");
      return c.json(await rollouts.report(record.route), 201);
    })
    .post("/admin/routes/:name/rollout/:action", async (c) => {
      const action = c.req.param("action") as RolloutAction;
      if (!ACTIONS.includes(action)) throw AppError.notFound(`no rollout action '${c.req.param("action")}'; actions: ${ACTIONS.join(", ")}`);
      const name = c.req.param("name");
      await rollouts.act(name, action, "admin-api");
      log.info({ route: name, action, requestId: c.get("requestId") }, "rollout action");
      return c.json(await rollouts.report(name));
    })
    .put("/admin/routes/:name/shadow", async (c) => c.json(await rollouts.setShadow(c.req.param("name"), await parsedBody(c, ShadowSettings))))
    .get("/admin/routes/:name/diff", async (c) => c.json(await rollouts.diff(c.req.param("name"))))
    .delete("/admin/routes/:name/diff", async (c) => {
      await rollouts.resetDiff(c.req.param("name"));
      return c.body(null, 204);
    });
}
