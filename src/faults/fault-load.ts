import { randomBytes } from "node:crypto";

/** What the client saw of one request. status 0: no reply within the bound (a hang) or no connection. */
export interface Outcome {
  op: string;
  started: number;
  ended: number;
  status: number;
  retryAfter: string | null;
  /** The error reply's `code` and message for a 5xx, to tell a mapped 503 from a leaked driver message. */
  error?: string;
}

/** A write that got a 2xx: what it made, and what to look it up by in the database. */
export interface Acknowledged {
  kind: "user" | "movie" | "event";
  /** The row's id (user, movie) or the event's id. */
  id: number | string;
  /** The unique name the write carried (username, title); for an event, its id again. */
  marker: string;
  /** Where the broker said it put an event: `partition/offset`. */
  placed?: string;
}

export type Operation = "write-user" | "write-movie" | "post-event" | "read-user" | "read-movie";

// Every request ends within this, answered or not: a longer wait is what the suite calls a hang.
export const REQUEST_BOUND_MS = 15_000;

/**
 * A bounded load through the gateway: `workers` loops, each sending one request at a time, picked
 * round-robin from `mix`, with `pauseMs` between them, until stopped or `maxRequests` were sent.
 * Every write carries a name unique to this run, so the database can be asked about it after.
 */
export class FaultLoad {
  readonly outcomes: Outcome[] = [];
  readonly acknowledged: Acknowledged[] = [];
  readonly tag = `flt_${randomBytes(4).toString("hex")}`;
  private sequence = 0;
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly gateway: string,
    private readonly mix: readonly Operation[],
    private readonly options: { workers: number; pauseMs: number; maxRequests: number } = { workers: 4, pauseMs: 25, maxRequests: 20_000 },
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.workers }, (_, worker) => this.loop(worker));
  }

  /** Lets the requests in flight end (each within REQUEST_BOUND_MS), then resolves. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Sends `count` requests of the mix (or of `op` alone) right now, `workers` at a time, and waits for them all. */
  async burst(count: number, op?: Operation): Promise<void> {
    let left = count;
    await Promise.all(
      Array.from({ length: this.options.workers }, async (_, worker) => {
        for (let i = worker; left > 0; i++) {
          left--;
          await this.send(op ?? this.mix[i % this.mix.length]!);
        }
      }),
    );
  }

  private async loop(worker: number): Promise<void> {
    for (let i = worker; this.running && this.sequence < this.options.maxRequests; i++) {
      await this.send(this.mix[i % this.mix.length]!);
      await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private readTarget(kind: "user" | "movie"): number {
    const known = this.acknowledged.filter((a) => a.kind === kind);
    return known.length > 0 ? (known[this.sequence % known.length]!.id as number) : 1;
  }

  private async send(op: Operation): Promise<void> {
    const n = ++this.sequence;
    const name = `${this.tag}_${n}`;
    const request: { method: string; path: string; body?: unknown } = {
      "write-user": () => ({ method: "POST", path: "/api/users", body: { username: name, email: `${name}@faults.example` } }),
      "write-movie": () => ({ method: "POST", path: "/api/movies", body: { title: name, description: "fault suite", rating: 5 } }),
      "post-event": () => ({ method: "POST", path: "/api/events/movie", body: { movie_id: n, title: name, action: "viewed" } }),
      "read-user": () => ({ method: "GET", path: `/api/users?id=${this.readTarget("user")}` }),
      "read-movie": () => ({ method: "GET", path: `/api/movies/${this.readTarget("movie")}` }),
    }[op]();
    const started = Date.now();
    const outcome: Outcome = { op, started, ended: started, status: 0, retryAfter: null };
    try {
      const response = await fetch(`${this.gateway}${request.path}`, {
        method: request.method,
        signal: AbortSignal.timeout(REQUEST_BOUND_MS),
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body), headers: { "content-type": "application/json" } }),
      });
      const text = await response.text();
      outcome.status = response.status;
      outcome.retryAfter = response.headers.get("retry-after");
      if (response.status >= 500) outcome.error = text.slice(0, 300);
      if (response.status >= 200 && response.status < 300 && request.method === "POST") {
        const body = JSON.parse(text) as { id?: number; event?: { id: string }; partition?: number; offset?: number };
        if (op === "write-user") this.acknowledged.push({ kind: "user", id: body.id!, marker: name });
        if (op === "write-movie") this.acknowledged.push({ kind: "movie", id: body.id!, marker: name });
        if (op === "post-event") this.acknowledged.push({ kind: "event", id: body.event!.id, marker: body.event!.id, placed: `${body.partition}/${body.offset}` });
      }
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    outcome.ended = Date.now();
    this.outcomes.push(outcome);
  }
}

/** The longest time, within [from, to], in which no request of the load succeeded: what a client saw as the outage. */
export function longestGapMs(outcomes: readonly Outcome[], from: number, to: number): number {
  const successes = outcomes
    .filter((o) => o.status >= 200 && o.status < 400 && o.ended >= from && o.ended <= to)
    .map((o) => o.ended)
    .sort((a, b) => a - b);
  let gap = 0;
  let previous = from;
  for (const at of [...successes, to]) {
    gap = Math.max(gap, at - previous);
    previous = at;
  }
  return gap;
}
