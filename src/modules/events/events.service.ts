import { BusUnavailable, type EventBus } from "../../adapters/bus/event-bus.ts";
import { AppError } from "../../contracts/app-error.ts";
import { newDomainEvent, topicOf, type EventType } from "../../contracts/domain-event.ts";
import { EVENT_SOURCE_HEADER } from "../../contracts/event-source.ts";
import type { EventInput, EventReply, EventsApi } from "./events.contract.ts";

/** The entity id (the partition key) and the verb of an event, by type. */
function identify<T extends EventType>(type: T, input: EventInput[T]): { entityId: number; action: string } {
  if (type === "movie") return { entityId: (input as EventInput["movie"]).movie_id, action: (input as EventInput["movie"]).action };
  if (type === "user") return { entityId: (input as EventInput["user"]).user_id, action: (input as EventInput["user"]).action };
  return { entityId: (input as EventInput["payment"]).payment_id, action: (input as EventInput["payment"]).status };
}

/** EventsApi over the event bus of this process. */
export class EventsService implements EventsApi {
  constructor(private readonly bus: EventBus) {}

  async emit<T extends EventType>(type: T, input: EventInput[T]): Promise<EventReply> {
    const { entityId, action } = identify(type, input);
    const event = newDomainEvent(type, entityId, action, input as Record<string, unknown>);
    try {
      const placed = await this.bus.publish(topicOf[type], String(entityId), JSON.stringify(event), { "event-id": event.id, [EVENT_SOURCE_HEADER]: "api" });
      return { status: "success", partition: placed.partition, offset: placed.offset, event };
    } catch (error) {
      // The broker's address and the driver's words are for the log, not for the client.
      if (error instanceof BusUnavailable) throw AppError.unavailable("event not accepted: the broker is unavailable", error.message);
      throw error;
    }
  }

  healthy(): Promise<boolean> {
    return this.bus.ping();
  }
}
