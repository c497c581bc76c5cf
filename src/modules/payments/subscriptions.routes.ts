import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/json-array-reply.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/openapi-shapes.ts";
import { idParam } from "../../contracts/identifiers.ts";
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
    ...errorResponses(400, 404),
  },
});

const create = createRoute({
  method: "post",
  path: "/api/subscriptions",
  tags: ["subscriptions"],
  summary: "Create a subscription",
  request: { body: jsonBody(SubscriptionInput) },
  responses: { 201: jsonReply("The created subscription", Subscription), ...errorResponses(400, 404) },
});

/** The legacy /api/subscriptions endpoints over any SubscriptionsApi. */
export function subscriptionsRoutes(subscriptions: SubscriptionsApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, ...filter } = c.req.valid("query");
      if (id === undefined) return jsonArrayReply(c, subscriptions.pages(filter));
      return c.json(await subscriptions.get(id), 200);
    })
    .openapi(create, async (c) => c.json(await subscriptions.create(c.req.valid("json")), 201));
}
