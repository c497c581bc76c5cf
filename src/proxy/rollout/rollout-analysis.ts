import type { AnalysisSettings } from "./rollout-plan.ts";

/** One side's requests in the window: counts and a sample of latencies in milliseconds. */
export interface SideWindow {
  requests: number;
  /** 5xx answers and requests that got no answer. */
  errors: number;
  latencies: number[];
}

/** What the analysis reads: the route's service and legacy traffic, and its shadow comparisons, in one window. */
export interface WindowInput {
  service: SideWindow;
  legacy: SideWindow;
  shadow: { compared: number; mismatched: number };
}

export type Outcome = "pass" | "fail" | "inconclusive" | "skipped";
export type CheckName = "success-rate" | "p99-latency" | "shadow-mismatch";

export interface Check {
  name: CheckName;
  outcome: Outcome;
  /** One sentence with the numbers, e.g. "service error rate 0.050 vs legacy 0.000 (delta 0.050 > 0.005, z 2.3)". */
  detail: string;
  numbers: Record<string, number>;
}

/** One analysis: its time, overall outcome and every check with its numbers. */
export interface Analysis {
  at: string;
  outcome: Exclude<Outcome, "skipped">;
  checks: Check[];
}

// One-sided 95 %: a regression must be unlikely to be chance before it counts.
const Z_CRITICAL = 1.645;
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The q-quantile of a sample (nearest rank). */
export function quantile(sample: readonly number[], q: number): number {
  if (sample.length === 0) return 0;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** z of a one-sided two-proportion test: how far the service's error rate sits above legacy's. */
export function twoProportionZ(errorsA: number, nA: number, errorsB: number, nB: number): number {
  if (nA === 0 || nB === 0) return 0;
  const pooled = (errorsA + errorsB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (se === 0) return 0;
  return (errorsA / nA - errorsB / nB) / se;
}

/** z of a one-sided Mann-Whitney U test (normal approximation, midranks): how far `a` tends above `b`. */
export function mannWhitneyZ(a: readonly number[], b: readonly number[]): number {
  const [n1, n2] = [a.length, b.length];
  if (n1 === 0 || n2 === 0) return 0;
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSumA += midrank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const sd = Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  return sd === 0 ? 0 : (u - (n1 * n2) / 2) / sd;
}

function successRate(w: WindowInput, s: AnalysisSettings, shadowStep: boolean): Check {
  const { service, legacy } = w;
  const numbers = { serviceRequests: service.requests, serviceErrors: service.errors, legacyRequests: legacy.requests, legacyErrors: legacy.errors };
  if (shadowStep) return { name: "success-rate", outcome: "skipped", detail: "shadow step: no real service traffic", numbers };
  if (service.requests < s.minRequests) {
    return { name: "success-rate", outcome: "inconclusive", detail: `${service.requests} service requests in the window, fewer than ${s.minRequests}`, numbers };
  }
  const serviceRate = service.errors / service.requests;
  const legacyRate = legacy.requests > 0 ? legacy.errors / legacy.requests : 0;
  const delta = serviceRate - legacyRate;
  // Without legacy traffic to compare with, the tolerance alone decides.
  const z = legacy.requests > 0 ? twoProportionZ(service.errors, service.requests, legacy.errors, legacy.requests) : Infinity;
  const failed = delta > s.maxErrorRateDelta && z >= Z_CRITICAL;
  const all = { ...numbers, serviceErrorRate: round(serviceRate), legacyErrorRate: round(legacyRate), delta: round(delta), maxDelta: s.maxErrorRateDelta, ...(Number.isFinite(z) ? { z: round(z, 2) } : {}) };
  const detail = `service error rate ${serviceRate.toFixed(3)} vs legacy ${legacyRate.toFixed(3)} (delta ${delta.toFixed(3)} ${failed ? ">" : "within"} ${s.maxErrorRateDelta}, z ${Number.isFinite(z) ? z.toFixed(2) : "n/a"})`;
  return { name: "success-rate", outcome: failed ? "fail" : "pass", detail, numbers: all };
}

function p99Latency(w: WindowInput, s: AnalysisSettings, shadowStep: boolean): Check {
  const [sp, lp] = [quantile(w.service.latencies, 0.99), quantile(w.legacy.latencies, 0.99)];
  const numbers = { serviceP99Ms: round(sp, 1), legacyP99Ms: round(lp, 1), serviceSamples: w.service.latencies.length, legacySamples: w.legacy.latencies.length };
  if (shadowStep) return { name: "p99-latency", outcome: "skipped", detail: "shadow step: no real service traffic", numbers };
  if (w.service.requests < s.minRequests || w.legacy.latencies.length === 0 || w.service.latencies.length === 0) {
    return { name: "p99-latency", outcome: "inconclusive", detail: "too few latency samples on one side", numbers };
  }
  const ratio = lp > 0 ? sp / lp : sp > 0 ? Infinity : 1;
  const z = mannWhitneyZ(w.service.latencies, w.legacy.latencies);
  const failed = ratio > s.maxP99Ratio && sp - lp > s.minP99DeltaMs && z >= Z_CRITICAL;
  const detail = `service p99 ${sp.toFixed(1)} ms vs legacy ${lp.toFixed(1)} ms (ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : "inf"} ${failed ? ">" : "within"} ${s.maxP99Ratio}, Mann-Whitney z ${z.toFixed(2)})`;
  return { name: "p99-latency", outcome: failed ? "fail" : "pass", detail, numbers: { ...numbers, ...(Number.isFinite(ratio) ? { ratio: round(ratio, 3) } : {}), maxRatio: s.maxP99Ratio, z: round(z, 2) } };
}

function shadowMismatch(w: WindowInput, s: AnalysisSettings, shadowStep: boolean): Check {
  const { compared, mismatched } = w.shadow;
  const numbers = { compared, mismatched };
  if (compared < s.minRequests) {
    // Outside the shadow step the comparisons are a bonus: too few of them never hold the step.
    return { name: "shadow-mismatch", outcome: shadowStep ? "inconclusive" : "skipped", detail: `${compared} shadow comparisons in the window, fewer than ${s.minRequests}`, numbers };
  }
  const rate = mismatched / compared;
  const failed = rate > s.maxMismatchRate;
  const detail = `mismatch rate beyond noise ${rate.toFixed(4)} (${mismatched} of ${compared}) ${failed ? ">" : "within"} ${s.maxMismatchRate}`;
  return { name: "shadow-mismatch", outcome: failed ? "fail" : "pass", detail, numbers: { ...numbers, rate: round(rate), maxRate: s.maxMismatchRate } };
}

/**
 * Compares the service with the legacy target of the same route in the same window (the natural
 * baseline). A check fails only when the difference is beyond its threshold and unlikely to be
 * chance; too little data is inconclusive, which holds the step and never promotes.
 */
export function analyse(w: WindowInput, settings: AnalysisSettings, shadowStep: boolean, now: Date): Analysis {
  const checks = [successRate(w, settings, shadowStep), p99Latency(w, settings, shadowStep), shadowMismatch(w, settings, shadowStep)];
  const outcome = checks.some((c) => c.outcome === "fail") ? "fail" : checks.some((c) => c.outcome === "inconclusive") ? "inconclusive" : "pass";
  return { at: now.toISOString(), outcome, checks };
}
