import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { outboxMessages, parkedMessages } from "./outbox.tables.ts";

type Row = typeof outboxMessages.$inferSelect;

/** A parked row as an operator sees it (the value stays in the table: it may be large). */
export interface ParkedSummary {
  id: number;
  topic: string;
  key: string;
  reason: string;
  attempts: number;
  refusals: number;
  parkedAt: Date;
}

/** Moves a pending row to the dead-letter table with the reason; inside the relay's transaction. */
export async function parkRow(tx: Pick<Database, "insert" | "delete">, row: Row, reason: string): Promise<void> {
  const { id, topic, key, value, headers, createdAt, attempts, refusals } = row;
  await tx.insert(parkedMessages).values({ id, topic, key, value, headers, createdAt, attempts, refusals, reason });
  await tx.delete(outboxMessages).where(eq(outboxMessages.id, id));
}

/**
 * Moves parked rows (all of them, or those ids) back to the outbox as pending, under their own
 * ids: the relay then sends each before the later rows of its entity that waited behind it. The
 * refusal count starts again; the reason stays in last_error. Resolves with the ids moved.
 */
export async function replayParked(db: Database, ids?: readonly number[]): Promise<number[]> {
  if (ids?.length === 0) return [];
  return db.transaction(async (tx) => {
    const moved = await tx
      .delete(parkedMessages)
      .where(ids ? inArray(parkedMessages.id, [...ids]) : undefined)
      .returning();
    if (moved.length === 0) return [];
    await tx
      .insert(outboxMessages)
      .overridingSystemValue()
      .values(
        moved.map(({ id, topic, key, value, headers, createdAt, attempts, reason }) => ({
          id,
          topic,
          key,
          value,
          headers,
          createdAt,
          attempts,
          refusals: 0,
          lastError: `replayed; parked for: ${reason}`,
        })),
      );
    return moved.map((row) => row.id).sort((a, b) => a - b);
  });
}

/**
 * Deletes parked rows for good: for a message no replay can deliver. The rows of its entity that
 * waited behind it go out next. Resolves with the ids deleted.
 */
export async function discardParked(db: Database, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const gone = await db.delete(parkedMessages).where(inArray(parkedMessages.id, [...ids])).returning({ id: parkedMessages.id });
  return gone.map((row) => row.id).sort((a, b) => a - b);
}

/** The parked rows, oldest first. */
export async function listParked(db: Database, limit = 100): Promise<ParkedSummary[]> {
  const { id, topic, key, reason, attempts, refusals, parkedAt } = parkedMessages;
  return db.select({ id, topic, key, reason, attempts, refusals, parkedAt }).from(parkedMessages).orderBy(asc(parkedMessages.id)).limit(limit);
}

/** How many rows are parked now, whichever process parked them. */
export async function countParked(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(parkedMessages);
  return row?.n ?? 0;
}
