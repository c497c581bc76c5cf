import type { Side } from "../routing/choose-target.ts";
import type { WindowCount } from "./rollout-store.ts";

// Latencies kept per route, side and bucket: enough for a p99 and a rank test, bounded in memory and rows.
const MAX_SAMPLES = 500;

/**
 * This replica's counters for the current bucket, drained into the store at every tick. Recording
 * is a few map lookups and additions: it sits on the request path.
 */
export class WindowCounter {
  private current = new Map<string, WindowCount>();

  constructor(
    private readonly replica: string,
    private readonly bucketMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private entry(route: string, side: Side): WindowCount {
    const bucket = Math.floor(this.now() / this.bucketMs) * this.bucketMs;
    const key = `${route}\u0000${side}\u0000${bucket}`;
    let e = this.current.get(key);
    if (!e) this.current.set(key, (e = { replica: this.replica, route, side, bucket, requests: 0, errors: 0, latencies: [], shadowCompared: 0, shadowMismatched: 0 }));
    return e;
  }

  /** One real request's outcome on a side: an error is a 5xx or no answer. */
  answered(route: string, side: Side, error: boolean, ms: number): void {
    const e = this.entry(route, side);
    e.requests++;
    if (error) e.errors++;
    if (e.latencies.length < MAX_SAMPLES) e.latencies.push(Math.round(ms * 10) / 10);
    else {
      // Past the cap, a reservoir: the sample stays representative of the whole bucket.
      const slot = Math.floor(Math.random() * e.requests);
      if (slot < MAX_SAMPLES) e.latencies[slot] = Math.round(ms * 10) / 10;
    }
  }

  /** One shadow comparison of the route. */
  compared(route: string, mismatched: boolean): void {
    const e = this.entry(route, "service");
    e.shadowCompared++;
    if (mismatched) e.shadowMismatched++;
  }

  /** Everything counted since the last drain. */
  drain(): WindowCount[] {
    const out = [...this.current.values()];
    this.current = new Map();
    return out;
  }
}

/** Sums counts per side: what the analysis reads. */
export function summed(counts: readonly WindowCount[]) {
  const side = (s: Side) => {
    const rows = counts.filter((c) => c.side === s);
    return { requests: rows.reduce((n, c) => n + c.requests, 0), errors: rows.reduce((n, c) => n + c.errors, 0), latencies: rows.flatMap((c) => c.latencies) };
  };
  return {
    service: side("service"),
    legacy: side("legacy"),
    shadow: { compared: counts.reduce((n, c) => n + c.shadowCompared, 0), mismatched: counts.reduce((n, c) => n + c.shadowMismatched, 0) },
  };
}
