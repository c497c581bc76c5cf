import { createHash } from "node:crypto";
import type { RouteDefinition } from "./route-table.ts";

/**
 * A caller's fixed point in 0..99. The point depends on the key alone, so a caller keeps its target
 * while the percent stays, and raising the percent only adds points to the service side.
 */
export function routingPoint(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) % 100;
}

export type Side = "legacy" | "service";

/**
 * The strangler fig's decision: points below the percent go to the service. A keyless request gets a
 * random point, so keyless traffic splits in the same proportion.
 */
export function chooseSide(route: RouteDefinition, key: string | undefined, random: () => number = Math.random): Side {
  if (route.service === undefined) return "legacy";
  if (!route.gradual) return "service";
  const point = key === undefined ? Math.floor(random() * 100) : routingPoint(key);
  return point < route.percent ? "service" : "legacy";
}
