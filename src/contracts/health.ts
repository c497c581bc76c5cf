import { z } from "@hono/zod-openapi";

/** The legacy health answer, `{"status": true}`; `false` (with 503) while a dependency does not answer. */
export const Health = z.object({ status: z.boolean() }).openapi("Health", { example: { status: true } });
export type Health = z.infer<typeof Health>;
