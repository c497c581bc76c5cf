import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/json-array-reply.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
import { Payment, PaymentInput, type PaymentsApi, UserRowsFilter } from "./payments.contract.ts";

const listOrGet = createRoute({
  method: "get",
  path: "/api/payments",
  tags: ["payments"],
  summary: "All payments, one user's (?user_id=), a page of them, or one by ?id=",
  request: { query: UserRowsFilter.extend({ id: idParam }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one payment", z.union([z.array(Payment), Payment])),
    ...errorResponses(400, 404),
  },
});

const create = createRoute({
  method: "post",
  path: "/api/payments",
  tags: ["payments"],
  summary: "Record a payment; the server sets its timestamp",
  request: { body: jsonBody(PaymentInput) },
  responses: { 201: jsonReply("The recorded payment", Payment), ...errorResponses(400, 404) },
});

/** The legacy /api/payments endpoints over any PaymentsApi. */
export function paymentsRoutes(payments: PaymentsApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, ...filter } = c.req.valid("query");
      if (id === undefined) return jsonArrayReply(c, payments.pages(filter));
      return c.json(await payments.get(id), 200);
    })
    .openapi(create, async (c) => c.json(await payments.create(c.req.valid("json")), 201));
}
