import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { SerializedList } from "../../contracts/serialized-list.ts";
import { idField, idParam } from "../../contracts/identifiers.ts";
import { pageQuery } from "../../contracts/pagination.ts";

// The column is numeric(12, 2): what does not fit would be refused (500) or rounded (1e-10 to 0.00).
const MAX_AMOUNT = 9_999_999_999.99;
// Exact in decimal, not within a tolerance: 12.345 and 1e-10 are refused, 9999999999.99 is kept.
// (zod's multipleOf(0.01) lets 1e-10 through, and a published multipleOf is read with float error.)
const inCents = (n: number) => Number(n.toFixed(2)) === n;

export const PaymentInput = z
  .object(
    {
      user_id: idField,
      amount: z
        .number()
        .positive()
        .max(MAX_AMOUNT)
        .refine(inCents, "must have at most 2 decimal places")
        // Published as a multiple of 0.01 too, so that generators (schemathesis) draw whole cents.
        .openapi({ description: "At most 2 decimal places", multipleOf: 0.01 }),
    },
    { error: "must be a JSON object" },
  )
  .openapi("PaymentInput", { example: { user_id: 1, amount: 9.99 } });
export type PaymentInput = z.infer<typeof PaymentInput>;

export const Payment = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    amount: z.number(),
    timestamp: z.iso.datetime().openapi({ description: "Set by the server when the payment is accepted" }),
  })
  .openapi("Payment", { example: { id: 1, user_id: 1, amount: 9.99, timestamp: "2023-01-15T14:30:00.000Z" } });
export type Payment = z.infer<typeof Payment>;

/** Filters of a payment or subscription list: a page, optionally one user's rows only (`?user_id=`). */
export const UserRowsFilter = pageQuery.extend({ user_id: idParam });
export type UserRowsFilter = Partial<z.output<typeof UserRowsFilter>>;

/** The payments port. */
export interface PaymentsApi {
  /** Payments in id order, one page, optionally one user's only. */
  list(filter: UserRowsFilter): Promise<Payment[]>;
  /** The whole list of every user, as `pages({})` would make it, kept serialized between writes; undefined when not kept here (too big, or remote). */
  wholeList(): Promise<SerializedList | undefined>;
  /** The same list as pages of bounded size, read one after the other: how a whole list is served. */
  pages(filter: UserRowsFilter): AsyncIterable<Payment[]>;
  /** The payment with this id; throws NOT_FOUND when there is none. */
  get(id: number): Promise<Payment>;
  /** Records a payment stamped with the server's time; throws NOT_FOUND when the user does not exist. */
  create(input: PaymentInput): Promise<Payment>;
}

export const PAYMENTS_API: InjectionToken<PaymentsApi> = Symbol("PaymentsApi");
