import { and, asc, eq, inArray, isNull, notExists, sql } from "drizzle-orm";
import type { Registry } from "prom-client";
import { EVENT_SOURCE_HEADER } from "../../contracts/event-source.ts";
import type { Database } from "../db/database.ts";
import { MessageRefused, type EventBus } from "../bus/event-bus.ts";
import type { Logger } from "../logging/logger.ts";
import { countPending, registerOutboxMetrics, type OutboxMetrics } from "./outbox-metrics.ts";
import { parkRow } from "./outbox-parked.ts";
import { outboxMessages, parkedMessages } from "./outbox.tables.ts";

type OutboxRow = typeof outboxMessages.$inferSelect;

export interface OutboxRelayOptions {
  /** How often to look for pending rows when the last look found none. */
  idleMs: number;
  batchSize: number;
  /** Backoff after a failed publish: doubles from minBackoffMs up to maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Refusals of one row (MessageRefused, never an outage) after which it is parked. */
  maxRefusals: number;
}

const defaults: OutboxRelayOptions = { idleMs: 200, batchSize: 100, minBackoffMs: 200, maxBackoffMs: 10_000, maxRefusals: 5 };

// Several processes of a split deployment may relay one database; one at a time keeps the order.
const RELAY_LOCK_KEY = 716_118_002;

/** What one pass did. */
export interface RelayPass {
  sent: number;
  parked: number;
  /** Why the pass stopped early (the bus or the database failed); the rows after it wait. */
  failure?: string;
  /** The pass took a whole batch: there may be more right away. */
  full: boolean;
}

/**
 * Publishes pending outbox rows in id order, a pass's rows together (the bus coalesces them into
 * as few produce requests as it may), marking each sent once the bus has it. A failed
 * publish stops the pass there (nothing after it goes first, so per-entity order holds) and
 * retries with backoff; a crash between publish and mark publishes that row again (at least once),
 * which consumers absorb by event id.
 *
 * A row the bus refuses for itself (MessageRefused) `maxRefusals` times is parked in
 * outbox.parked_messages and the pass goes on, so one poison row cannot stop every event. The
 * later rows of its entity (same topic and key) are held, not sent: a consumer must never see a
 * payment "refunded" whose "completed" is missing. They go once the parked row is replayed
 * (`replayParked`, which puts it back first) or discarded. An outage (BusUnavailable, a timeout,
 * anything else) never counts as a refusal: everything waits, in order, however long it lasts.
 */
export class OutboxRelay {
  private readonly options: OutboxRelayOptions;
  private readonly metrics: OutboxMetrics | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: () => void = () => {};
  private backoffMs = 0;

  /** With `registry`, the relay registers its metrics there (see registerOutboxMetrics). */
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
    options: Partial<OutboxRelayOptions> & { registry?: Registry } = {},
  ) {
    const { registry, ...rest } = options;
    this.options = { ...defaults, ...rest } satisfies OutboxRelayOptions;
    this.metrics = registry ? registerOutboxMetrics(registry, db) : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the pass in hand, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /**
   * Publishes what is pending now, in id order, up to the first row the bus cannot take; parks a
   * row refused too often and goes on past it. The rows sent stay marked sent either way.
   */
  async relayOnce(): Promise<RelayPass> {
    return this.db.transaction(async (tx) => {
      const locked = (await tx.execute(sql`select pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) as locked`)) as unknown as { rows: { locked: boolean }[] };
      if (!locked.rows[0]?.locked) return { sent: 0, parked: 0, full: false };
      const parkedAhead = tx
        .select({ id: parkedMessages.id })
        .from(parkedMessages)
        .where(and(eq(parkedMessages.topic, outboxMessages.topic), eq(parkedMessages.key, outboxMessages.key)));
      const pending = await tx
        .select()
        .from(outboxMessages)
        .where(and(isNull(outboxMessages.sentAt), notExists(parkedAhead)))
        .orderBy(asc(outboxMessages.id))
        .limit(this.options.batchSize);
      const pass: RelayPass = { sent: 0, parked: 0, full: pending.length === this.options.batchSize };
      // Entities whose row was parked in this pass: the query above no longer sees the park.
      const held = new Set<string>();
      const entityOf = (row: OutboxRow) => JSON.stringify([row.topic, row.key]);
      let rows = pending;
      while (rows.length > 0) {
        // The whole pass in as few produce requests as the bus allows; the bus stops at the first
        // row it cannot take and sends none after it, so every key's order holds.
        // Only modules write the outbox, in the transaction of their change: whatever a row's own
        // headers say, what the relay publishes is a domain event, and nothing else says so.
        const { published, error } = await this.bus.publishInOrder(
          rows.map((row) => ({ topic: row.topic, key: row.key, value: row.value, headers: { ...row.headers, [EVENT_SOURCE_HEADER]: "domain" } })),
        );
        const sent = rows.slice(0, published.length);
        if (sent.length > 0) {
          await tx
            .update(outboxMessages)
            .set({ sentAt: new Date(), attempts: sql`${outboxMessages.attempts} + 1`, lastError: null })
            .where(inArray(outboxMessages.id, sent.map((row) => row.id)));
          pass.sent += sent.length;
        }
        const row = rows[published.length];
        if (error === undefined || !row) break;
        const refused = error instanceof MessageRefused;
        const tried = { attempts: row.attempts + 1, refusals: row.refusals + (refused ? 1 : 0) };
        const failure = `outbox row ${row.id}: ${(error as Error).message}`;
        if (!(refused && tried.refusals >= this.options.maxRefusals)) {
          await tx.update(outboxMessages).set({ ...tried, lastError: failure }).where(eq(outboxMessages.id, row.id));
          return { ...pass, failure, full: false };
        }
        const reason = `refused ${tried.refusals} times: ${(error as Error).message}`;
        await parkRow(tx, { ...row, ...tried, lastError: failure }, reason);
        this.metrics?.parkedTotal.inc();
        this.log.error({ id: row.id, topic: row.topic, key: row.key, reason }, "outbox row parked; later rows of its key wait until it is replayed or discarded");
        held.add(entityOf(row));
        pass.parked++;
        rows = rows.slice(published.length + 1).filter((next) => !held.has(entityOf(next)));
      }
      return pass;
    });
  }

  /** Rows not yet on the bus, those held behind a parked row of their entity included (parked rows are not). */
  pending(): Promise<number> {
    return countPending(this.db);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pass: RelayPass;
      try {
        pass = await this.relayOnce();
      } catch (error) {
        pass = { sent: 0, parked: 0, failure: (error as Error).message, full: false }; // the database itself failed: same backoff
      }
      const { sent, failure } = pass;
      if (failure) {
        this.backoffMs = Math.min(Math.max(this.backoffMs * 2, this.options.minBackoffMs), this.options.maxBackoffMs);
        this.log.warn({ err: failure, sent, retryInMs: this.backoffMs }, "outbox relay cannot publish; will retry");
      } else if (this.backoffMs > 0) {
        this.backoffMs = 0;
        this.log.info({ sent }, "outbox relay publishing again");
      }
      if (pass.full) continue;
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
