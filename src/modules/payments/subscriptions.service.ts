import { and, eq, gt } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import { appendEvent } from "../../adapters/outbox/outbox.ts";
import { newDomainEvent } from "../../contracts/domain-event.ts";
import { collectPages, keysetPages } from "../../adapters/db/keyset-pages.ts";
import { ByteBudget } from "../../adapters/list-cache/byte-budget.ts";
import { RowsListCache } from "./rows-list-cache.ts";
import type { SerializedList } from "../../contracts/serialized-list.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { UsersApi } from "../users/index.ts";
import type { UserRowsFilter } from "./payments.contract.ts";
import type { Subscription, SubscriptionInput, SubscriptionsApi } from "./subscriptions.contract.ts";
import { subscriptions } from "./payments.tables.ts";
import { whereUser } from "./user-rows-query.ts";
import { requireUser } from "./require-user.ts";

type SubscriptionRow = typeof subscriptions.$inferSelect;

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    user_id: row.userId,
    plan_type: row.planType,
    start_date: row.startDate.toISOString(),
    end_date: row.endDate.toISOString(),
  };
}

/** SubscriptionsApi over this process's database; users are asked of the users port. */
export class SubscriptionsService implements SubscriptionsApi {
  private readonly whole: RowsListCache;

  constructor(
    private readonly db: Database,
    private readonly users: UsersApi,
    budget = new ByteBudget(0),
  ) {
    this.whole = new RowsListCache(db, "subscriptions", () => this.pages({}), budget);
  }

  wholeList(): Promise<SerializedList | undefined> {
    return this.whole.current();
  }

  list(filter: UserRowsFilter): Promise<Subscription[]> {
    return collectPages(this.pages(filter));
  }

  pages(filter: UserRowsFilter): AsyncIterable<Subscription[]> {
    return keysetPages(async (after, offset, limit) => {
      const rows = await this.db
        .select()
        .from(subscriptions)
        .where(and(whereUser(subscriptions.userId, filter), after === undefined ? undefined : gt(subscriptions.id, after)))
        .orderBy(subscriptions.id)
        .offset(offset)
        .limit(limit);
      return rows.map(toSubscription);
    }, filter);
  }

  async get(id: number): Promise<Subscription> {
    const [row] = await this.db.select().from(subscriptions).where(eq(subscriptions.id, id));
    if (!row) throw AppError.notFound(`subscription ${id} not found`);
    return toSubscription(row);
  }

  async create(input: SubscriptionInput): Promise<Subscription> {
    await requireUser(this.users, input.user_id);
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(subscriptions)
        .values({ userId: input.user_id, planType: input.plan_type, startDate: input.start_date, endDate: input.end_date })
        .returning();
      if (!row) throw new Error("insert into subscriptions returned no row");
      const subscription = toSubscription(row);
      // A subscription is news about its user: keyed by the user, on user-events, in order with the user's other events.
      const { id, user_id, ...plan } = subscription;
      const payload = { user_id, action: "subscribed", timestamp: new Date().toISOString(), subscription_id: id, ...plan };
      await appendEvent(tx, newDomainEvent("user", user_id, "subscribed", payload), user_id);
      return subscription;
    });
  }
}
