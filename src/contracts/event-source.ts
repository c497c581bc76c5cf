/**
 * Who vouches for an event. "domain": a module wrote it in the transaction of the change it
 * announces, and the outbox relay published it. "api": a client posted it to the events API, a
 * claim nobody checked. Consumers must not take an "api" payment "completed" for a payment.
 */
export type EventSource = "domain" | "api";

/**
 * The message header that carries the source. It is not part of the event body, so the legacy reply
 * of POST /api/events stays `{id, type, timestamp, payload}` and no client input can reach it: only
 * the outbox relay writes "domain", and the events API writes "api".
 */
export const EVENT_SOURCE_HEADER = "event-source";

/** The source of a message read from the bus: "domain" only when the header says exactly that; no header, or anything else, is "api". */
export function sourceOf(headers: Readonly<Record<string, string>>): EventSource {
  return headers[EVENT_SOURCE_HEADER] === "domain" ? "domain" : "api";
}
