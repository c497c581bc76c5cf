import type { RoutesReport, TrafficReport } from "../proxy/control/admin-routes.ts";
import type { RouteDefinition } from "../proxy/routing/route-table.ts";
import { AdminClient, CliFailure } from "./admin-client.ts";
import { table, type Output } from "./output.ts";

// Rates over the last minute: long enough to be steady, short enough to show a shift.
const RATE_SECONDS = 60;

interface SideRates {
  rps: number;
  errorRate: number | null;
}

/** One row of `cinemaabyss routes`: the route's split, its breakers and what each side serves now. */
export interface RouteRow {
  route: string;
  legacy: string;
  service: string | null;
  percent: number;
  gradual: boolean;
  breakers: Record<string, string>;
  legacyRates: SideRates;
  serviceRates: SideRates;
}

function rates(traffic: TrafficReport, route: string, side: "legacy" | "service"): SideRates {
  let requests = 0;
  let errors = 0;
  for (const s of traffic.series) {
    if (s.route !== route || s.side !== side) continue;
    for (const p of s.points) {
      requests += p.requests;
      errors += p.errors;
    }
  }
  return { rps: Math.round((requests / RATE_SECONDS) * 10) / 10, errorRate: requests > 0 ? errors / requests : null };
}

export async function routeRows(admin: AdminClient): Promise<RouteRow[]> {
  const [report, traffic] = await Promise.all([admin.get<RoutesReport>("/admin/routes"), admin.get<TrafficReport>(`/admin/traffic?seconds=${RATE_SECONDS}`)]);
  const breakerOf = new Map(report.targets.map((t) => [t.name, t.breaker]));
  return report.routes.map((r) => ({
    route: r.name,
    legacy: r.legacy,
    service: r.service ?? null,
    percent: r.percent,
    gradual: r.gradual,
    breakers: Object.fromEntries([r.legacy, ...(r.service ? [r.service] : [])].map((t) => [t, breakerOf.get(t) ?? "unknown"])),
    legacyRates: rates(traffic, r.name, "legacy"),
    serviceRates: rates(traffic, r.name, "service"),
  }));
}

const percentText = (rate: number | null) => (rate === null ? "-" : `${(rate * 100).toFixed(1)}%`);

export function routesTable(rows: RouteRow[]): string {
  return table(
    ["ROUTE", "LEGACY", "SERVICE", "PERCENT", "GRADUAL", "BREAKERS", "RPS LEGACY", "RPS SERVICE", "ERRORS LEGACY", "ERRORS SERVICE"],
    rows.map((r) => [
      r.route,
      r.legacy,
      r.service ?? "-",
      `${r.percent}%`,
      r.gradual ? "yes" : "no (finished)",
      Object.entries(r.breakers).map(([t, state]) => `${t}:${state}`).join(" "),
      r.legacyRates.rps,
      r.serviceRates.rps,
      percentText(r.legacyRates.errorRate),
      percentText(r.serviceRates.errorRate),
    ]),
  );
}

export async function listRoutes(admin: AdminClient, out: Output): Promise<void> {
  const rows = await routeRows(admin);
  out.write(out.json ? `${JSON.stringify(rows, null, 2)}\n` : routesTable(rows));
}

/** Parses a percent argument as the admin API would take it; a usage error (exit 2) otherwise. */
export function percentArgument(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) > 100) throw new CliFailure(`percent must be a whole number from 0 to 100, not '${value}'`, 2);
  return Number(value);
}

export async function setRoute(admin: AdminClient, out: Output, name: string, change: { percent: number; gradual?: boolean }): Promise<void> {
  const route = await admin.put<RouteDefinition>(`/admin/routes/${encodeURIComponent(name)}`, change);
  out.write(out.json ? `${JSON.stringify(route, null, 2)}\n` : `${route.name}: ${route.gradual ? `${route.percent}% to ${route.service}` : `finished: all traffic to ${route.service}`}\n`);
}
