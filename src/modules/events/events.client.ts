import { RemoteClient } from "../../adapters/http-client/remote-client.ts";
import type { EventType } from "../../contracts/domain-event.ts";
import { Health } from "../../contracts/health.ts";
import { EventReply, type EventInput, type EventsApi } from "./events.contract.ts";

/** EventsApi over HTTP: the events service. */
export class EventsClient implements EventsApi {
  constructor(private readonly http: RemoteClient) {}

  emit<T extends EventType>(type: T, input: EventInput[T]): Promise<EventReply> {
    return this.http.call("POST", `/api/events/${type}`, EventReply, input);
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.http.call("GET", "/api/events/health", Health)).status;
    } catch {
      return false;
    }
  }
}
