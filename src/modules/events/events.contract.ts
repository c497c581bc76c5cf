import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import { DomainEvent, type EventType } from "../../contracts/domain-event.ts";
import { idField } from "../../contracts/identifiers.ts";
import { text } from "../../contracts/text.ts";

const name = text(500, { blank: false });
const instant = z.iso.datetime({ offset: true, error: (issue) => (issue.input === undefined ? "is required" : "must be an ISO 8601 date-time, e.g. 2023-01-15T14:30:00Z") });
const object = { error: "must be a JSON object" } as const;

export const MovieEventInput = z
  .object(
    {
      movie_id: idField,
      title: name,
      action: name,
      user_id: idField.optional(),
      rating: z.number().min(0).max(10).optional(),
      genres: z.array(text(10_000), { error: "must be an array of strings" }).max(20).optional(),
      description: text(10_000).optional(),
    },
    object,
  )
  .openapi("MovieEvent", { example: { movie_id: 1, title: "Inception", action: "viewed", user_id: 1 } });

export const UserEventInput = z
  .object(
    {
      user_id: idField,
      username: text(64).optional(),
      email: text(254).optional(),
      action: name,
      timestamp: instant,
    },
    object,
  )
  .openapi("UserEvent", { example: { user_id: 1, username: "john_doe", action: "logged_in", timestamp: "2023-01-15T14:30:00Z" } });

export const PaymentEventInput = z
  .object(
    {
      payment_id: idField,
      user_id: idField,
      amount: z.number().positive(),
      status: name,
      timestamp: instant,
      method_type: text(64).optional(),
    },
    object,
  )
  .openapi("PaymentEvent", { example: { payment_id: 1, user_id: 1, amount: 9.99, status: "completed", timestamp: "2023-01-15T14:30:00Z" } });

export type MovieEventInput = z.infer<typeof MovieEventInput>;
export type UserEventInput = z.infer<typeof UserEventInput>;
export type PaymentEventInput = z.infer<typeof PaymentEventInput>;
export type EventInput = { movie: MovieEventInput; user: UserEventInput; payment: PaymentEventInput };

export const EventReply = z
  .object({ status: z.literal("success"), partition: z.number().int(), offset: z.number().int(), event: DomainEvent })
  .openapi("EventReply");
export type EventReply = z.infer<typeof EventReply>;

/** The events port: what the events API does, wherever the events service runs. */
export interface EventsApi {
  /** Publishes one event to its type's topic keyed by the entity id; throws UNAVAILABLE when the broker cannot take it in time. */
  emit<T extends EventType>(type: T, input: EventInput[T]): Promise<EventReply>;
  /** Whether the broker answers; never throws. */
  healthy(): Promise<boolean>;
}

export const EVENTS_API: InjectionToken<EventsApi> = Symbol("EventsApi");
