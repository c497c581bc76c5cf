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
import type { Payment, PaymentInput, PaymentsApi, UserRowsFilter } from "./payments.contract.ts";
import { payments } from "./payments.tables.ts";
import { whereUser } from "./user-rows-query.ts";
import { requireUser } from "./require-user.ts";

type PaymentRow = typeof payments.$inferSelect;

function toPayment(row: PaymentRow): Payment {
  return { id: row.id, user_id: row.userId, amount: row.amount, timestamp: row.timestamp.toISOString() };
}

/** PaymentsApi over this process's database; users are asked of the users port. */
export class PaymentsService implements PaymentsApi {
  private readonly whole: RowsListCache;

  constructor(
    private readonly db: Database,
    private readonly users: UsersApi,
    budget = new ByteBudget(0),
  ) {
    this.whole = new RowsListCache(db, "payments", () => this.pages({}), budget);
  }

  wholeList(): Promise<SerializedList | undefined> {
    return this.whole.current();
  }

  list(filter: UserRowsFilter): Promise<Payment[]> {
    return collectPages(this.pages(filter));
  }

  pages(filter: UserRowsFilter): AsyncIterable<Payment[]> {
    return keysetPages(async (after, offset, limit) => {
      const rows = await this.db
        .select()
        .from(payments)
        .where(and(whereUser(payments.userId, filter), after === undefined ? undefined : gt(payments.id, after)))
        .orderBy(payments.id)
        .offset(offset)
        .limit(limit);
      return rows.map(toPayment);
    }, filter);
  }

  async get(id: number): Promise<Payment> {
    const [row] = await this.db.select().from(payments).where(eq(payments.id, id));
    if (!row) throw AppError.notFound(`payment ${id} not found`);
    return toPayment(row);
  }

  async create(input: PaymentInput): Promise<Payment> {
    await requireUser(this.users, input.user_id);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(payments).values({ userId: input.user_id, amount: input.amount }).returning();
      if (!row) throw new Error("insert into payments returned no row");
      const payment = toPayment(row);
      const payload = { payment_id: payment.id, user_id: payment.user_id, amount: payment.amount, status: "completed", timestamp: payment.timestamp };
      await appendEvent(tx, newDomainEvent("payment", payment.id, "completed", payload), payment.id);
      return payment;
    });
  }
}
