export { EVENTS_API, EventReply, type EventsApi, MovieEventInput, PaymentEventInput, UserEventInput } from "./events.contract.ts";
export { EventsService } from "./events.service.ts";
export { eventsRoutes } from "./events.routes.ts";
export { dlqOf, EVENTS_CONSUMER_GROUP, runEventsConsumer, startEventsConsumer, type EventAction } from "./events.consumer.ts";
export { EventsClient } from "./events.client.ts";
export { eventsModule } from "./events.module.ts";
