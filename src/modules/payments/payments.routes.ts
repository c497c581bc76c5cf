import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/replies/json-array-reply.ts";
import { serializedListReply } from "../../adapters/http-server/replies/serialized-list-reply.ts";
import { errorResponses, jsonBody, jsonReply, notModifiedReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
import { RecordAccess } from "../../adapters/request-context/record-access.ts";
import { Payment, PaymentInput, type PaymentsApi, UserRowsFilter } from "./payments.contract.ts";

const listOrGet = createRoute({
  method: "get",
  path: "/api/payments",
  tags: ["payments"],
  summary: "All payments, one user's (?user_id=), a page of them, or one by ?id=",
  request: { query: UserRowsFilter.extend({ id: idParam }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one payment", z.union([z.array(Payment), Payment])),
    304: notModifiedReply,
    ...errorResponses(400, 401, 403, 404),
  },
});

const create = createRoute({
  method: "post",
  path: "/api/payments",
  tags: ["payments"],
  summary: "Record a payment; the server sets its timestamp",
  request: { body: jsonBody(PaymentInput) },
  responses: { 201: jsonReply("The recorded payment", Payment), ...errorResponses(400, 401, 403, 404) },
});

/** The legacy /api/payments endpoints over any PaymentsApi. */
export function paymentsRoutes(payments: PaymentsApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, ...filter } = c.req.valid("query");
      const access = RecordAccess.of(c.var);
      if (id !== undefined) {
        const one = await payments.get(id);
        access.check(one.user_id, `payment ${id}`);
        return c.json(one, 200);
      }
      const userId = access.listUser(filter.user_id);
      const whole = userId === undefined && filter.limit === undefined && !filter.offset ? await payments.wholeList() : undefined;
      if (whole) return serializedListReply<Payment>(c, whole, String);
      return userId === null ? c.json([], 200) : jsonArrayReply(c, payments.pages({ ...filter, user_id: userId }));
    })
    .openapi(create, async (c) => {
      const input = c.req.valid("json");
      RecordAccess.of(c.var).check(input.user_id, `user ${input.user_id}'s payment`);
      return c.json(await payments.create(input), 201);
    });
}
