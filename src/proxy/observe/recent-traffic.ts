/** One time bucket of one route and target: requests, errors (5xx or no answer) and p99 latency. */
export interface TrafficPoint {
  /** Start of the bucket, ms since the epoch. */
  at: number;
  requests: number;
  errors: number;
  /** Milliseconds; null when the bucket saw no request. */
  p99: number | null;
}

export interface TrafficSeries {
  route: string;
  target: string;
  points: TrafficPoint[];
}

export interface RecentTrafficOptions {
  bucketMs: number;
  buckets: number;
  now?: () => number;
}

// Latency bins grow by half each, from 0.5 ms; the last (about 96 s) also holds anything slower,
// far beyond any upstream timeout.
const FIRST_BOUND_MS = 0.5;
const GROWTH = 1.5;
const BINS = 31;
const BOUNDS = Array.from({ length: BINS }, (_, i) => FIRST_BOUND_MS * GROWTH ** i);
const LOG_GROWTH = Math.log(GROWTH);
// Per bucket: requests, errors, then one count per latency bin.
const STRIDE = 2 + BINS;

function binOf(ms: number): number {
  if (ms <= FIRST_BOUND_MS) return 0;
  return Math.min(BINS - 1, Math.ceil(Math.log(ms / FIRST_BOUND_MS) / LOG_GROWTH));
}

/** A ring of buckets for one route and target; a bucket is cleared when its slot comes round again. */
class Ring {
  readonly counts: Uint32Array;
  readonly slots: Float64Array;

  constructor(buckets: number) {
    this.counts = new Uint32Array(buckets * STRIDE);
    this.slots = new Float64Array(buckets).fill(-1);
  }

  offset(slot: number): number {
    const index = slot % this.slots.length;
    if (this.slots[index] !== slot) {
      this.slots[index] = slot;
      this.counts.fill(0, index * STRIDE, (index + 1) * STRIDE);
    }
    return index * STRIDE;
  }
}

/**
 * The last minutes of proxied traffic per route and target, in fixed buckets, for the dashboard and
 * the CLI: what Prometheus would give, answered by the gateway itself with no server to install.
 * Recording is a few array increments; memory is fixed by routes × targets × buckets.
 */
export class RecentTraffic {
  private readonly rings = new Map<string, Map<string, Ring>>();
  private readonly now: () => number;

  constructor(private readonly options: RecentTrafficOptions) {
    this.now = options.now ?? Date.now;
  }

  get bucketMs(): number {
    return this.options.bucketMs;
  }

  /** Counts one proxied request: its status, or "failed" when no answer came, and its time to headers. */
  record(route: string, target: string, status: number | "failed", ms: number): void {
    let byTarget = this.rings.get(route);
    if (!byTarget) this.rings.set(route, (byTarget = new Map()));
    let ring = byTarget.get(target);
    if (!ring) byTarget.set(target, (ring = new Ring(this.options.buckets)));
    const at = ring.offset(Math.floor(this.now() / this.options.bucketMs));
    ring.counts[at]!++;
    if (status === "failed" || status >= 500) ring.counts[at + 1]!++;
    ring.counts[at + 2 + binOf(ms)]!++;
  }

  /** Every route and target seen, oldest bucket first, over the last `sinceMs` (all kept buckets by default). */
  series(sinceMs = this.options.bucketMs * this.options.buckets): TrafficSeries[] {
    const { bucketMs, buckets } = this.options;
    const last = Math.floor(this.now() / bucketMs);
    const first = Math.max(last - buckets + 1, last - Math.ceil(sinceMs / bucketMs) + 1);
    const out: TrafficSeries[] = [];
    for (const [route, byTarget] of this.rings) {
      for (const [target, ring] of byTarget) {
        const points: TrafficPoint[] = [];
        for (let slot = first; slot <= last; slot++) {
          const index = slot % buckets;
          const at = index * STRIDE;
          const live = ring.slots[index] === slot;
          const requests = live ? ring.counts[at]! : 0;
          points.push({ at: slot * bucketMs, requests, errors: live ? ring.counts[at + 1]! : 0, p99: requests > 0 ? p99(ring.counts, at + 2, requests) : null });
        }
        out.push({ route, target, points });
      }
    }
    return out;
  }
}

// The upper bound of the bin that holds the 99th percentile: at most one bin (half) above the truth.
function p99(counts: Uint32Array, from: number, total: number): number {
  const rank = Math.ceil(total * 0.99);
  let seen = 0;
  for (let bin = 0; bin < BINS; bin++) {
    seen += counts[from + bin]!;
    if (seen >= rank) return round(BOUNDS[bin]!);
  }
  return round(BOUNDS[BINS - 1]!);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
