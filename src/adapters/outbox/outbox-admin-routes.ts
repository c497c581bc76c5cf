import { Hono } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { z } from "zod";
import { AppError } from "../../contracts/app-error.ts";
import { validationMessage } from "../../contracts/validation-message.ts";
import type { Database } from "../db/database.ts";
import type { AppEnv } from "../http-server/app-env.ts";
import type { Logger } from "../logging/logger.ts";
import { discardParked, listParked, replayParked } from "./outbox-parked.ts";

const rowIds = z.array(z.number().int().positive()).min(1).max(10_000);
/** Body of POST /admin/outbox/parked/replay: some ids, or none for every parked row. */
export const ReplayParked = z.object({ ids: rowIds.optional() }).strict();
/** Body of POST /admin/outbox/parked/discard: the ids to delete for good (never "all" by omission). */
export const DiscardParked = z.object({ ids: rowIds }).strict();
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

async function bodyOf<T extends z.ZodType>(c: { req: { text(): Promise<string> } }, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw AppError.invalid("body: must be valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw AppError.invalid(validationMessage(parsed.error, "body"));
  return parsed.data;
}

/**
 * The outbox's dead letters for an operator, behind `Authorization: Bearer <ADMIN_TOKEN>`: list
 * the parked rows, replay them (back to the outbox, ahead of the rows of their key that waited),
 * or discard them for good. Every change is logged with the ids and the request id.
 */
export function outboxAdminRoutes(token: string, db: Database, log: Logger) {
  return new Hono<AppEnv>()
    .use("/admin/outbox/*", bearerAuth({ token }))
    .get("/admin/outbox/parked", async (c) => {
      const query = ListQuery.safeParse(c.req.query());
      if (!query.success) throw AppError.invalid(validationMessage(query.error, "query"));
      return c.json({ parked: await listParked(db, query.data.limit) });
    })
    .post("/admin/outbox/parked/replay", async (c) => {
      const { ids } = await bodyOf(c, ReplayParked);
      const replayed = await replayParked(db, ids);
      log.warn({ replayed, by: "admin-api", requestId: c.get("requestId") }, "parked outbox rows replayed");
      return c.json({ replayed });
    })
    .post("/admin/outbox/parked/discard", async (c) => {
      const { ids } = await bodyOf(c, DiscardParked);
      const discarded = await discardParked(db, ids);
      log.warn({ discarded, by: "admin-api", requestId: c.get("requestId") }, "parked outbox rows discarded");
      return c.json({ discarded });
    });
}
