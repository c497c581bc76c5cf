import type { ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { EVENT_BUS } from "../../adapters/bus/event-bus.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { topicOf } from "../../contracts/domain-event.ts";
import { EVENTS_API, type EventsApi } from "./events.contract.ts";
import { EventsClient } from "./events.client.ts";
import { dlqOf, runEventsConsumer } from "./events.consumer.ts";
import { eventsEdgeRoutes, eventsRoutes } from "./events.routes.ts";
import { EventsService } from "./events.service.ts";
import { eventsSchema } from "./events.tables.ts";

const eventsPort: PortBinding<EventsApi> = {
  token: EVENTS_API,
  inProcess: (c) => new EventsService(c.resolve(EVENT_BUS)),
  remote: (http) => new EventsClient(http),
};

const topics = Object.values(topicOf);

/** The events API and the consumer group of the event topics; it never lived in the monolith. */
export const eventsModule: ModuleDescriptor = {
  name: "events",
  title: "CinemaAbyss events service",
  routePrefixes: ["/api/events"],
  defaultPort: 8082,
  healthPath: "/api/events/health",
  inMonolith: false,
  schema: eventsSchema.schemaName,
  topics: [...topics, ...topics.map(dlqOf)],
  ports: [eventsPort],
  // Its routes reach the event bus only; the bus's own warnings are not one request's.
  asyncRequestContext: false,
  routes: (c) => eventsRoutes(c.resolve(EVENTS_API)),
  // Hono's dispatch was half the service's CPU per event (issue 13).
  edgeRoutes: (c) => eventsEdgeRoutes(c.resolve(EVENTS_API)),
  worker: (c, log) => runEventsConsumer({ bus: c.resolve(EVENT_BUS), db: c.resolve(DATABASE), log: log.child({ component: "events-consumer" }) }),
};
