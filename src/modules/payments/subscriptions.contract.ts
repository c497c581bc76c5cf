import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { SerializedList } from "../../contracts/serialized-list.ts";
import { idField } from "../../contracts/identifiers.ts";
import { text } from "../../contracts/text.ts";
import type { UserRowsFilter } from "./payments.contract.ts";

// A reply writes an instant as ISO 8601 in UTC, with 4 digits of year: only these instants come back as sent.
const EARLIEST = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

// RFC 3339 with an offset, or a bare date (midnight UTC). No local times: their zone is a guess.
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: (issue) =>
      issue.input === undefined ? "is required" : "must be an ISO 8601 date or date-time with offset, e.g. 2023-01-01T00:00:00Z",
  })
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), { message: "is not a real calendar date", abort: true })
  .refine((date) => date.getTime() >= EARLIEST && date.getTime() <= LATEST, "must be from 0001-01-01 to 9999-12-31 in UTC")
  .openapi({ type: "string", format: "date-time", description: "From 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z" });

export const SubscriptionInput = z
  .object(
    {
      user_id: idField,
      plan_type: text(64, { blank: false }),
      start_date: instant,
      end_date: instant,
    },
    { error: "must be a JSON object" },
  )
  // Equal dates are allowed: legacy clients send them for open-ended plans.
  .refine((s) => s.end_date.getTime() >= s.start_date.getTime(), {
    message: "must not be before start_date",
    path: ["end_date"],
  })
  .openapi("SubscriptionInput", {
    example: { user_id: 1, plan_type: "premium", start_date: "2023-01-01T00:00:00Z", end_date: "2023-12-31T23:59:59Z" },
  });
export type SubscriptionInput = z.infer<typeof SubscriptionInput>;

export const Subscription = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    plan_type: z.string(),
    start_date: z.iso.datetime(),
    end_date: z.iso.datetime(),
  })
  .openapi("Subscription", {
    example: { id: 1, user_id: 1, plan_type: "premium", start_date: "2023-01-01T00:00:00.000Z", end_date: "2023-12-31T23:59:59.000Z" },
  });
export type Subscription = z.infer<typeof Subscription>;

/** The subscriptions port. */
export interface SubscriptionsApi {
  /** Subscriptions in id order, one page, optionally one user's only. */
  list(filter: UserRowsFilter): Promise<Subscription[]>;
  /** The whole list of every user, as `pages({})` would make it, kept serialized between writes; undefined when not kept here (too big, or remote). */
  wholeList(): Promise<SerializedList | undefined>;
  /** The same list as pages of bounded size, read one after the other: how a whole list is served. */
  pages(filter: UserRowsFilter): AsyncIterable<Subscription[]>;
  /** The subscription with this id; throws NOT_FOUND when there is none. */
  get(id: number): Promise<Subscription>;
  /** Creates a subscription; throws NOT_FOUND when the user does not exist. */
  create(input: SubscriptionInput): Promise<Subscription>;
}

export const SUBSCRIPTIONS_API: InjectionToken<SubscriptionsApi> = Symbol("SubscriptionsApi");
