import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration as `"500ms"`, `"30s"`, `"5m"`, `"1h"` or a number of milliseconds; parsed to milliseconds. */
export const Duration = z.union([
  z.number({ error: "must be a duration: milliseconds, or a string such as \"30s\" or \"5m\"" }).int("must be a whole number of milliseconds").min(0, "must be 0 or more"),
  z
    .string()
    .regex(/^\d+(ms|s|m|h)$/, "must be a duration such as \"500ms\", \"30s\", \"5m\" or \"1h\"")
    .transform((v) => {
      const [, n, unit] = /^(\d+)(ms|s|m|h)$/.exec(v)!;
      return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
    }),
], { error: "must be a duration: milliseconds, or a string such as \"30s\" or \"5m\"" });

const percent = z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be from 0 to 100").max(100, "must be from 0 to 100");
const ratio = (what: string) => z.number({ error: `must be ${what}` }).min(0, "must be 0 or more");

/** One step: a shadow phase (percent 0, shadow copies compared) or a percent held for a duration. */
export const RolloutStep = z
  .object({
    shadow: z.boolean({ error: "must be true or false" }).default(false),
    percent,
    duration: Duration.default(0),
    /** Service requests (shadow comparisons in a shadow step) the step must see before it may pass; default: analysis.minRequests. */
    minRequests: z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").optional(),
  })
  .strict()
  .refine((s) => !s.shadow || s.percent === 0, { message: "a shadow step sends no real traffic: its percent must be 0", path: ["percent"] });
export type RolloutStep = z.output<typeof RolloutStep>;

/** The analysis thresholds; every one has a default. */
export const AnalysisSettings = z
  .object({
    interval: Duration.pipe(z.number().min(50, "must be at least 50ms")).default(30_000),
    /** The sliding window each analysis reads; default: the interval. */
    window: Duration.pipe(z.number().min(50, "must be at least 50ms")).optional(),
    minRequests: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(50),
    failureLimit: z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(3),
    maxErrorRateDelta: ratio("a rate from 0 to 1").max(1, "must be from 0 to 1").default(0.005),
    maxP99Ratio: ratio("a factor").min(1, "must be at least 1").default(1.5),
    /** The p99 must also be this much slower in absolute terms before it fails: a 1 ms vs 2 ms p99 is no regression. */
    minP99DeltaMs: ratio("milliseconds").default(10),
    maxMismatchRate: ratio("a rate from 0 to 1").max(1, "must be from 0 to 1").default(0.001),
  })
  .strict();
export type AnalysisSettings = z.output<typeof AnalysisSettings>;

export const DEFAULT_STEPS = [
  { shadow: true, percent: 0, duration: 300_000 },
  { shadow: false, percent: 1, duration: 300_000 },
  { shadow: false, percent: 10, duration: 600_000 },
  { shadow: false, percent: 50, duration: 600_000 },
  { shadow: false, percent: 100, duration: 0 },
] satisfies RolloutStep[];

/** The body of PUT /admin/routes/{name}/rollout. Percents only rise, so no keyed caller ever moves back. */
export const RolloutPlan = z
  .object({
    steps: z.array(RolloutStep, { error: (issue) => (issue.input === undefined ? "is required" : "must be a list of steps") }).min(1, "must hold at least one step").max(50, "must hold at most 50 steps"),
    analysis: AnalysisSettings.default(AnalysisSettings.parse({})),
  })
  .strict()
  .superRefine((plan, ctx) => {
    plan.steps.forEach((step, i) => {
      if (i > 0 && step.percent < plan.steps[i - 1]!.percent) {
        ctx.addIssue({ code: "custom", path: ["steps", i, "percent"], message: "must not be below the step before it: a caller never moves back to legacy" });
      }
    });
    if (plan.steps.at(-1)!.percent !== 100) ctx.addIssue({ code: "custom", path: ["steps", plan.steps.length - 1, "percent"], message: "the last step must be 100: reaching it means promoted" });
  });
export type RolloutPlan = z.output<typeof RolloutPlan>;

/** PUT /admin/routes/{name}/shadow. */
export const ShadowSettings = z
  .object({
    percent,
    /** Response headers compared besides the status and the body (lower case). */
    compareHeaders: z.array(z.string().min(1).transform((h) => h.toLowerCase())).max(50).default([]),
    /** JSON paths never compared, e.g. `$.generatedAt` or `$.items[*].etag`. */
    ignorePaths: z.array(z.string().min(1)).max(200).default([]),
    /** Field names whose values are replaced in the report's examples, e.g. `email`. */
    redact: z.array(z.string().min(1)).max(200).default(["email", "password", "token", "authorization", "phone"]),
  })
  .strict();
export type ShadowSettings = z.output<typeof ShadowSettings>;

/** The shadow percent a rollout uses when the route has none set. */
export const ROLLOUT_SHADOW_PERCENT = 100;
