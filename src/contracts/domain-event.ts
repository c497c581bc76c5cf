import { randomUUID } from "node:crypto";
import { z } from "@hono/zod-openapi";

/** What an event is about; each type has its own topic. */
export const EventType = z.enum(["movie", "user", "payment"]);
export type EventType = z.infer<typeof EventType>;

/** The three topics of the platform, by event type. */
export const topicOf = { movie: "movie-events", user: "user-events", payment: "payment-events" } as const satisfies Record<EventType, string>;

/** What travels on a topic and what POST /api/events answers with: `{id, type, timestamp, payload}`. */
export const DomainEvent = z
  .object({
    id: z.string().openapi({ example: "movie-1-viewed-0b5f8a4e-7d1c-4f3a-9e2b-6c8d1a2f3e4b" }),
    type: EventType,
    timestamp: z.iso.datetime(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");
export type DomainEvent = z.infer<typeof DomainEvent>;

/**
 * A new event with a unique, readable id: `<type>-<entity id>-<action>-<uuid>`. Consumers drop an
 * id they have handled, so two real events must never share one: the tail is a random (v4) UUID,
 * 122 random bits, where 32 bits gave duplicates within 200,000 events of one movie. v4 rather
 * than a time-ordered v7: order comes from the partition offset and the timestamp field, and a v7
 * would spend 48 of those bits on the clock.
 */
export function newDomainEvent(type: EventType, entityId: number, action: string, payload: Record<string, unknown>): DomainEvent {
  const slug = action.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40) || "event";
  return { id: `${type}-${entityId}-${slug}-${randomUUID()}`, type, timestamp: new Date().toISOString(), payload };
}
