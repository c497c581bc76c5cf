import pg from "pg";
import type { Acknowledged } from "./fault-load.ts";

/** The end-of-scenario figures: the acknowledged writes against what the database and the consumer group hold. */
export interface LedgerCheck {
  acknowledged: number;
  /** Acknowledged writes present in the database (rows, or for an event POST, handled events). */
  found: number;
  /** Extra copies: rows, outbox events or handled events beyond the one each write should have made. */
  duplicates: number;
  /** Acknowledged writes whose row is missing. */
  lost: string[];
  /** Rows of this run (acknowledged or not) without exactly one outbox event, or outbox events without their row. */
  halfWritten: string[];
  /** Outbox events of acknowledged writes the consumer group has not handled. */
  unhandled: string[];
}

interface Entity {
  marker: string;
  rows: number;
  events: string[];
}

// Each write kind: its table, the column that holds the marker, and the outbox topic and action of its event.
const KINDS = {
  user: { table: "users.users", column: "username", topic: "user-events", action: "registered", payloadField: "username" },
  movie: { table: "movies.movies", column: "title", topic: "movie-events", action: "created", payloadField: "title" },
} as const;

/**
 * Reads the database directly (a test's view, not the API's): every row and outbox event this run
 * made, by the run's tag, and the consumer group's handled set. Jepsen's check, in the small:
 * each acknowledged write exactly once, and nothing half-written, acknowledged or not.
 */
export class FaultLedger {
  constructor(private readonly url: string) {}

  private async query<T>(text: string, values: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Every entity of a kind whose marker starts with the tag: its rows and its outbox events. */
  private async entities(kind: keyof typeof KINDS, tag: string): Promise<Map<string, Entity>> {
    const k = KINDS[kind];
    const like = `${tag}\\_%`;
    const rows = await this.query<{ marker: string; n: number }>(`select ${k.column} as marker, count(*)::int as n from ${k.table} where ${k.column} like $1 group by 1`, [like]);
    const events = await this.query<{ marker: string; event_id: string }>(
      `select value::jsonb -> 'payload' ->> '${k.payloadField}' as marker, headers ->> 'event-id' as event_id from outbox.messages
        where topic = $1 and value::jsonb -> 'payload' ->> 'action' = $2 and value::jsonb -> 'payload' ->> '${k.payloadField}' like $3`,
      [k.topic, k.action, like],
    );
    const byMarker = new Map<string, Entity>();
    const entity = (marker: string) => byMarker.get(marker) ?? byMarker.set(marker, { marker, rows: 0, events: [] }).get(marker)!;
    for (const row of rows) entity(row.marker).rows = row.n;
    for (const event of events) entity(event.marker).events.push(event.event_id);
    return byMarker;
  }

  private async handled(eventIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.query<{ event_id: string; n: number }>("select event_id, count(*)::int as n from events.handled_events where event_id = any($1) group by 1", [eventIds]);
    return new Map(rows.map((r) => [r.event_id, r.n]));
  }

  /**
   * Waits (bounded) until the consumer group has handled at least one outbox event of this run,
   * polling fast on one connection, so a process can be killed in the middle of the backlog.
   */
  async firstHandled(tag: string, timeoutMs = 30_000): Promise<number> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await client.query<{ n: number }>(
          `select count(*)::int as n from events.handled_events h join outbox.messages m on m.headers ->> 'event-id' = h.event_id
            where m.value::jsonb -> 'payload' ->> 'username' like $1 or m.value::jsonb -> 'payload' ->> 'title' like $1`,
          [`${tag}\\_%`],
        );
        if (rows[0]!.n > 0 || Date.now() > deadline) return rows[0]!.n;
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      await client.end();
    }
  }

  /** Waits (bounded) until the consumer group has handled every outbox event of the acknowledged writes, then checks. */
  async settle(tag: string, acknowledged: readonly Acknowledged[], timeoutMs = 60_000): Promise<LedgerCheck> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const check = await this.check(tag, acknowledged);
      if ((check.unhandled.length === 0 && check.found === check.acknowledged) || Date.now() > deadline) return check;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async check(tag: string, acknowledged: readonly Acknowledged[]): Promise<LedgerCheck> {
    const result: LedgerCheck = { acknowledged: acknowledged.length, found: 0, duplicates: 0, lost: [], halfWritten: [], unhandled: [] };
    const expectedEvents: string[] = [];
    for (const kind of ["user", "movie"] as const) {
      const entities = await this.entities(kind, tag);
      for (const e of entities.values()) {
        result.duplicates += Math.max(0, e.rows - 1) + Math.max(0, e.events.length - 1);
        if (e.rows === 0 && e.events.length > 0) result.halfWritten.push(`${kind} ${e.marker}: outbox event without its row`);
        if (e.rows > 0 && e.events.length === 0) result.halfWritten.push(`${kind} ${e.marker}: row without its outbox event`);
      }
      for (const write of acknowledged.filter((a) => a.kind === kind)) {
        const e = entities.get(write.marker);
        if (!e || e.rows === 0) result.lost.push(`${kind} ${write.marker} (id ${write.id})`);
        else result.found++;
        expectedEvents.push(...(e?.events ?? []));
      }
    }
    // An event POST makes no row: it is found when the consumer group has handled its id.
    const posted = acknowledged.filter((a) => a.kind === "event").map((a) => String(a.id));
    const handled = await this.handled([...expectedEvents, ...posted]);
    for (const id of expectedEvents) if (!handled.has(id)) result.unhandled.push(id);
    for (const id of posted) {
      if (handled.has(id)) result.found++;
      else result.unhandled.push(id);
    }
    for (const n of handled.values()) result.duplicates += Math.max(0, n - 1);
    return result;
  }
}
