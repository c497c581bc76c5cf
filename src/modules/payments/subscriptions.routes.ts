import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/replies/json-array-reply.ts";
import { serializedListReply } from "../../adapters/http-server/replies/serialized-list-reply.ts";
import { errorResponses, jsonBody, jsonReply, notModifiedReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
import { RecordAccess } from "../../adapters/request-context/record-access.ts";
import { UserRowsFilter } from "./payments.contract.ts";
import { Subscription, SubscriptionInput, type SubscriptionsApi } from "./subscriptions.contract.ts";

const listOrGet = createRoute({
  method: "get",
  path: "/api/subscriptions",
  tags: ["subscriptions"],
  summary: "All subscriptions, one user's (?user_id=), a page of them, or one by ?id=",
  request: { query: UserRowsFilter.extend({ id: idParam }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one subscription", z.union([z.array(Subscription), Subscription])),
    304: notModifiedReply,
    ...errorResponses(400, 401, 403, 404),
  },
});

const create = createRoute({
  method: "post",
  path: "/api/subscriptions",
  tags: ["subscriptions"],
  summary: "Create a subscription",
  request: { body: jsonBody(SubscriptionInput) },
  responses: { 201: jsonReply("The created subscription", Subscription), ...errorResponses(400, 401, 403, 404) },
});

/** The legacy /api/subscriptions endpoints over any SubscriptionsApi. */
export function subscriptionsRoutes(subscriptions: SubscriptionsApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, ...filter } = c.req.valid("query");
      const access = RecordAccess.of(c.var);
      if (id !== undefined) {
        const one = await subscriptions.get(id);
        access.check(one.user_id, `subscription ${id}`);
        return c.json(one, 200);
      }
      const userId = access.listUser(filter.user_id);
      const whole = userId === undefined && filter.limit === undefined && !filter.offset ? await subscriptions.wholeList() : undefined;
      if (whole) return serializedListReply<Subscription>(c, whole, String);
      return userId === null ? c.json([], 200) : jsonArrayReply(c, subscriptions.pages({ ...filter, user_id: userId }));
    })
    .openapi(create, async (c) => {
      const input = c.req.valid("json");
      RecordAccess.of(c.var).check(input.user_id, `user ${input.user_id}'s subscription`);
      return c.json(await subscriptions.create(input), 201);
    });
}
