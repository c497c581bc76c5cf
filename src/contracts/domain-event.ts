import { randomBytes } from "node:crypto";
import { z } from "@hono/zod-openapi";

/** What an event is about; each type has its own topic. */
export const EventType = z.enum(["movie", "user", "payment"]);
export type EventType = z.infer<typeof EventType>;

/** The three topics of the platform, by event type. */
export const topicOf = { movie: "movie-events", user: "user-events", payment: "payment-events" } as const satisfies Record<EventType, string>;

/** What travels on a topic and what POST /api/events answers with: `{id, type, timestamp, payload}`. */
export const DomainEvent = z
  .object({
    id: z.string().openapi({ example: "movie-1-viewed-9f2c4e1a" }),
    type: EventType,
    timestamp: z.iso.datetime(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi("Event");
export type DomainEvent = z.infer<typeof DomainEvent>;

/**
 * A new event with a unique, readable id: `<type>-<entity id>-<action>-<random>`. Unique per event,
 * so idempotent consumers drop redeliveries and never a real repeat of the same action.
 */
export function newDomainEvent(type: EventType, entityId: number, action: string, payload: Record<string, unknown>): DomainEvent {
  const slug = action.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40) || "event";
  return { id: `${type}-${entityId}-${slug}-${randomBytes(4).toString("hex")}`, type, timestamp: new Date().toISOString(), payload };
}
