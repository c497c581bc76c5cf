import { createRoute, type z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { edgeRoute, type EdgeRoute } from "../../adapters/http-server/edge/json-route-edge.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import type { EventType } from "../../contracts/domain-event.ts";
import { Health } from "../../contracts/health.ts";
import { EventReply, type EventsApi, MovieEventInput, PaymentEventInput, UserEventInput } from "./events.contract.ts";

const health = createRoute({
  method: "get",
  path: "/api/events/health",
  tags: ["health"],
  summary: "Health of the events service: true while the broker answers",
  responses: { 200: jsonReply("The broker answers", Health), 503: jsonReply("The broker does not answer", Health) },
});

const pathOf = (type: EventType) => `/api/events/${type}` as const;

/** Each event type's body: the one table that both the app's routes and the edge's are made from. */
const eventBodies = { movie: MovieEventInput, user: UserEventInput, payment: PaymentEventInput } as const;
const eventTypes = Object.keys(eventBodies) as EventType[];

const post = <S extends z.ZodType>(type: EventType, schema: S) =>
  createRoute({
    method: "post",
    path: pathOf(type),
    tags: ["events"],
    summary: `Publish a ${type} event to ${type}-events, keyed by the ${type} id`,
    request: { body: jsonBody(schema) },
    responses: { 201: jsonReply("The event as published, with its partition and offset", EventReply), ...errorResponses(400, 503) },
  });

/** The legacy events API over any EventsApi. */
export function eventsRoutes(events: EventsApi) {
  return createRouter()
    .openapi(health, async (c) => ((await events.healthy()) ? c.json({ status: true }, 200) : c.json({ status: false }, 503)))
    .openapi(post("movie", eventBodies.movie), async (c) => c.json(await events.emit("movie", c.req.valid("json")), 201))
    .openapi(post("user", eventBodies.user), async (c) => c.json(await events.emit("user", c.req.valid("json")), 201))
    .openapi(post("payment", eventBodies.payment), async (c) => c.json(await events.emit("payment", c.req.valid("json")), 201));
}

/** The event POSTs as the events service's edge serves them: the same schemas and handlers as eventsRoutes. */
export function eventsEdgeRoutes(events: EventsApi): EdgeRoute[] {
  return eventTypes.map((type) => edgeRoute(pathOf(type), eventBodies[type], 201, (input) => events.emit(type, input)));
}
