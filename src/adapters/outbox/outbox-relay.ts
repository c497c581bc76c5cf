import { asc, eq, isNull, sql } from "drizzle-orm";
import { EVENT_SOURCE_HEADER } from "../../contracts/event-source.ts";
import type { Database } from "../db/database.ts";
import type { EventBus } from "../bus/event-bus.ts";
import type { Logger } from "../logging/logger.ts";
import { outboxMessages } from "./outbox.tables.ts";

export interface OutboxRelayOptions {
  /** How often to look for pending rows when the last look found none. */
  idleMs: number;
  batchSize: number;
  /** Backoff after a failed publish: doubles from minBackoffMs up to maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

const defaults: OutboxRelayOptions = { idleMs: 200, batchSize: 100, minBackoffMs: 200, maxBackoffMs: 10_000 };

// Several processes of a split deployment may relay one database; one at a time keeps the order.
const RELAY_LOCK_KEY = 716_118_002;

/**
 * Publishes pending outbox rows in id order, marking each sent once the bus has it. A failed
 * publish stops the batch there (nothing after it goes first, so per-entity order holds) and
 * retries with backoff; a crash between publish and mark publishes that row again (at least once),
 * which consumers absorb by event id.
 */
export class OutboxRelay {
  private readonly options: OutboxRelayOptions;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: () => void = () => {};
  private backoffMs = 0;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
    options: Partial<OutboxRelayOptions> = {},
  ) {
    this.options = { ...defaults, ...options } satisfies OutboxRelayOptions;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the row in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /**
   * Publishes what is pending now, in id order, up to the first row the bus refuses. Resolves with
   * how many rows were sent and the refusal, if any; the rows sent stay marked sent either way.
   */
  async relayOnce(): Promise<{ sent: number; failure?: string }> {
    return this.db.transaction(async (tx) => {
      const locked = (await tx.execute(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) as locked`)) as unknown as { rows: { locked: boolean }[] };
      if (!locked.rows[0]?.locked) return { sent: 0 };
      const pending = await tx.select().from(outboxMessages).where(isNull(outboxMessages.sentAt)).orderBy(asc(outboxMessages.id)).limit(this.options.batchSize);
      let sent = 0;
      for (const row of pending) {
        try {
          // Only modules write the outbox, in the transaction of their change: whatever a row's own
          // headers say, what the relay publishes is a domain event, and nothing else says so.
          await this.bus.publish(row.topic, row.key, row.value, { ...row.headers, [EVENT_SOURCE_HEADER]: "domain" });
        } catch (error) {
          const failure = `outbox row ${row.id}: ${(error as Error).message}`;
          await tx.update(outboxMessages).set({ attempts: row.attempts + 1, lastError: failure }).where(eq(outboxMessages.id, row.id));
          return { sent, failure };
        }
        await tx.update(outboxMessages).set({ sentAt: new Date(), attempts: row.attempts + 1, lastError: null }).where(eq(outboxMessages.id, row.id));
        sent++;
      }
      return { sent };
    });
  }

  /** Rows not yet on the bus. */
  async pending(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(outboxMessages).where(isNull(outboxMessages.sentAt));
    return row?.n ?? 0;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      let failure: string | undefined;
      try {
        ({ sent, failure } = await this.relayOnce());
      } catch (error) {
        failure = (error as Error).message; // the database itself failed: same backoff
      }
      if (failure) {
        this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.options.minBackoffMs), this.options.maxBackoffMs);
        this.log.warn({ err: failure, sent, retryInMs: this.backoffMs }, "outbox relay cannot publish; will retry");
      } else if (this.backoffMs > 0) {
        this.backoffMs = 0;
        this.log.info({ sent }, "outbox relay publishing again");
      }
      if (!failure && sent === this.options.batchSize) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.backoffMs || this.options.idleMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
