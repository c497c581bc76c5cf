import { z } from "zod";
import type { Difference } from "./json-diff.ts";

const MAX_EXAMPLES = 3;
const MAX_PATHS = 200;
const MAX_VALUE_CHARS = 80;
// Every comparison learns noise until this many samples are in; after that, one in NOISE_EVERY.
const NOISE_WARMUP = 20;
const NOISE_EVERY = 5;

const Example = z.object({ legacy: z.unknown(), service: z.unknown() });

/** One replica's shadow counters for one route, as stored and merged. */
export const DiffCounters = z.object({
  compared: z.number(),
  mismatched: z.number(),
  /** Comparisons whose only differences were noise. */
  noisy: z.number(),
  noiseSamples: z.number(),
  dropped: z.number(),
  /** Paths that differed legacy-vs-legacy: how many noise samples saw each. */
  noisyPaths: z.record(z.string(), z.number()),
  /** Paths that differed legacy-vs-service beyond noise: counts and a few redacted examples. */
  mismatches: z.record(z.string(), z.object({ count: z.number(), examples: z.array(Example) })),
});
export type DiffCounters = z.infer<typeof DiffCounters>;

export const emptyCounters = (): DiffCounters => ({ compared: 0, mismatched: 0, noisy: 0, noiseSamples: 0, dropped: 0, noisyPaths: {}, mismatches: {} });

/** Replaces the values of redacted field names (at any depth) and truncates long values. */
export function redacted(value: unknown, redact: readonly string[]): unknown {
  const names = new Set(redact.map((r) => r.toLowerCase()));
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") return v.length > MAX_VALUE_CHARS ? `${v.slice(0, MAX_VALUE_CHARS)}…` : v;
    if (v === null || typeof v !== "object") return v;
    if (depth > 4) return "…";
    if (Array.isArray(v)) return v.slice(0, 5).map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).slice(0, 20).map(([k, x]) => [k, names.has(k.toLowerCase()) ? "[redacted]" : walk(x, depth + 1)]));
  };
  return walk(value, 0);
}

const lastField = (path: string) => /(?:\.([\w$]+)|\["([^"]+)"\])$/.exec(path)?.slice(1).find(Boolean)?.toLowerCase();

/**
 * Diffy's rule on one replica's counters: a legacy-vs-service difference at a path that also
 * differs legacy-vs-legacy is noise and not counted. Noise is learned on a sample of requests
 * (`wantsNoiseSample`), always during the first ones, so a timestamp is known as noise before it
 * could count against the service.
 */
export class DiffRecorder {
  constructor(readonly counters: DiffCounters = emptyCounters()) {}

  /** Whether this comparison should also ask the legacy target a second time. */
  wantsNoiseSample(): boolean {
    return this.counters.noiseSamples < NOISE_WARMUP || this.counters.compared % NOISE_EVERY === 0;
  }

  /** Records one comparison; returns whether it counts as a mismatch. */
  record(differences: readonly Difference[], noise: readonly Difference[] | undefined, redact: readonly string[]): boolean {
    const c = this.counters;
    if (noise) {
      c.noiseSamples++;
      for (const d of noise) if (d.path in c.noisyPaths || Object.keys(c.noisyPaths).length < MAX_PATHS) c.noisyPaths[d.path] = (c.noisyPaths[d.path] ?? 0) + 1;
    }
    c.compared++;
    const real = differences.filter((d) => !(d.path in c.noisyPaths));
    if (real.length === 0) {
      if (differences.length > 0) c.noisy++;
      return false;
    }
    c.mismatched++;
    for (const d of real) {
      const entry = c.mismatches[d.path] ?? (Object.keys(c.mismatches).length < MAX_PATHS ? (c.mismatches[d.path] = { count: 0, examples: [] }) : undefined);
      if (!entry) continue;
      entry.count++;
      if (entry.examples.length < MAX_EXAMPLES) {
        const field = lastField(d.path);
        const hide = field !== undefined && redact.some((r) => r.toLowerCase() === field);
        entry.examples.push(hide ? { legacy: "[redacted]", service: "[redacted]" } : { legacy: redacted(d.legacy, redact), service: redacted(d.service, redact) });
      }
    }
    return true;
  }
}

/** Sums several replicas' counters into one. */
export function mergedCounters(all: readonly DiffCounters[]): DiffCounters {
  const out = emptyCounters();
  for (const c of all) {
    out.compared += c.compared;
    out.mismatched += c.mismatched;
    out.noisy += c.noisy;
    out.noiseSamples += c.noiseSamples;
    out.dropped += c.dropped;
    for (const [p, n] of Object.entries(c.noisyPaths)) out.noisyPaths[p] = (out.noisyPaths[p] ?? 0) + n;
    for (const [p, m] of Object.entries(c.mismatches)) {
      const e = (out.mismatches[p] ??= { count: 0, examples: [] });
      e.count += m.count;
      e.examples.push(...m.examples.slice(0, MAX_EXAMPLES - e.examples.length));
    }
  }
  return out;
}

/** The JSON of GET /admin/routes/{name}/diff. */
export function diffReport(route: string, counters: DiffCounters, shadow: unknown) {
  return {
    route,
    shadow,
    compared: counters.compared,
    matched: counters.compared - counters.mismatched,
    mismatched: counters.mismatched,
    noisy: counters.noisy,
    dropped: counters.dropped,
    noiseSamples: counters.noiseSamples,
    noisyPaths: Object.entries(counters.noisyPaths)
      .sort((a, b) => b[1] - a[1])
      .map(([path, count]) => ({ path, count })),
    topMismatches: Object.entries(counters.mismatches)
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, 10)
      .map(([path, m]) => ({ path, count: m.count, examples: m.examples })),
  };
}
export type DiffReport = ReturnType<typeof diffReport>;
