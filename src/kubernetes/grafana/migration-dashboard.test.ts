import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseMetrics } from "../../adapters/db/database-metrics.ts";
import type { RunningRole } from "../../roles/run-role.ts";
import { startTestRole } from "../../testing/test-platform.ts";

// The Grafana dashboard queries only metrics that exist: those our code registers (scraped from a
// running all-in-one, whose one admin listener serves every registry of the process) and the
// progressive-delivery metrics the gateway's rollouts emit.
const dashboard = JSON.parse(readFileSync("src/kubernetes/grafana/migration-dashboard.json", "utf8"));

/** Emitted by the gateway's rollout and shadow code, which lands apart from this file. */
const PROGRESSIVE_DELIVERY = ["gateway_rollout_state", "gateway_rollout_step", "gateway_shadow_compared_total", "gateway_shadow_mismatched_total"];

const PROMQL_WORDS = new Set(["sum", "max", "min", "avg", "count", "rate", "irate", "increase", "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "label_values", "clamp_min", "topk", "abs", "vector"]);

/** Metric names in a PromQL expression: identifiers outside label matchers, ranges, strings and grouping clauses. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/label_values\(([^,)]+),[^)]*\)/g, "$1")
    .replace(/"[^"]*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "")
    .replace(/\$\w+/g, "");
  return [...bare.matchAll(/[a-zA-Z_:][\w:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w));
}

function expressions(): string[] {
  const panels = dashboard.panels.flatMap((p: { panels?: unknown[] }) => [p, ...(p.panels ?? [])]);
  const fromPanels = panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
  const fromVariables = dashboard.templating.list.filter((v: { type: string }) => v.type === "query").map((v: { definition: string }) => v.definition);
  return [...fromPanels, ...fromVariables];
}

describe("the Grafana migration dashboard", () => {
  let role: RunningRole;
  let registered: Set<string>;
  beforeAll(async () => {
    role = await startTestRole("all-in-one");
    const text = await (await fetch(`http://127.0.0.1:${role.ports.admin}/metrics`)).text();
    // The pg pool gauges exist only with a PostgreSQL server; register them apart to know their names.
    const postgres = new Registry();
    new DatabaseMetrics(postgres, "postgres");
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm), ...(await postgres.metrics()).matchAll(/^# TYPE (\S+) (\S+)$/gm)];
    registered = new Set(types.flatMap(([, name, type]) => (type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!])));
  }, 60_000);
  afterAll(() => role.stop());

  it("parses, with a uid, a Prometheus data source variable and a route variable", () => {
    expect(dashboard).toMatchObject({ uid: "cinemaabyss-migration", title: "CinemaAbyss migration" });
    expect(dashboard.templating.list.map((v: { name: string; type: string }) => [v.name, v.type])).toEqual([
      ["datasource", "datasource"],
      ["route", "query"],
    ]);
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("queries only metrics our code registers or the rollout and shadow metrics", () => {
    const names = new Set(expressions().flatMap(metricNames));
    expect(names.size).toBeGreaterThan(10);
    const unknown = [...names].filter((n) => !registered.has(n) && !PROGRESSIVE_DELIVERY.includes(n));
    expect(unknown).toEqual([]);
  });

  it("shows the split, both sides' errors and p99, the breakers, rollout state and shadow mismatches", () => {
    const all = expressions().join("\n");
    for (const needed of ["gateway_route_percent", 'status=~"5.."', "histogram_quantile(0.99", "gateway_breaker_state", "gateway_rollout_state", "gateway_rollout_step", "gateway_shadow_mismatched_total"]) {
      expect(all).toContain(needed);
    }
  });

  it("reads a metric name out of PromQL, and nothing else", () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{route=~"$route"}[$__rate_interval])))')).toEqual(["a_seconds_bucket"]);
    expect(metricNames("sum(rate(x_total[5m])) / sum(rate(y_total[5m]))")).toEqual(["x_total", "y_total"]);
    expect(metricNames("label_values(z_percent, route)")).toEqual(["z_percent"]);
  });
});
