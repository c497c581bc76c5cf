import { AppError } from "../../contracts/app-error.ts";
import { matchesPrefix, type RouteDefinition, type RouteTableFile, type RouteWeightChange } from "./route-table.ts";

/**
 * The live route table. Weights change at run time (admin API, watched file); each change replaces a
 * route object whole, so a request that already picked its route decides on one consistent version.
 */
export class RouteRegistry {
  private routes: RouteDefinition[];
  private byName: Map<string, RouteDefinition>;
  private readonly listeners: ((route: RouteDefinition, by: string) => void)[] = [];
  /** Every prefix with its route's name, longest first, so a nested prefix wins over its parent. */
  private readonly prefixes: { prefix: string; name: string }[];

  constructor(routes: RouteDefinition[]) {
    this.routes = [...routes];
    this.byName = new Map(routes.map((r) => [r.name, r]));
    this.prefixes = routes.flatMap((r) => r.prefixes.map((prefix) => ({ prefix, name: r.name }))).sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The route whose prefixes hold this path, if any: its current version. */
  match(path: string): RouteDefinition | undefined {
    const name = this.prefixes.find((p) => matchesPrefix(p.prefix, path))?.name;
    return name === undefined ? undefined : this.byName.get(name);
  }

  list(): RouteDefinition[] {
    return [...this.routes].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called with every route whose weight changed, and who changed it ("admin-api", "route-file", "rollout"). */
  onChange(listener: (route: RouteDefinition, by: string) => void): void {
    this.listeners.push(listener);
  }

  /** Changes one route's weight; throws NOT_FOUND or INVALID_INPUT and changes nothing. */
  change(name: string, change: RouteWeightChange, by = "admin-api"): RouteDefinition {
    const next = this.changed(name, change);
    this.replace([next], by);
    return next;
  }

  /** Applies every route of a config file, or none of them when any is refused. */
  applyFile(file: RouteTableFile): RouteDefinition[] {
    const next = Object.entries(file.routes).map(([name, change]) => this.changed(name, change));
    this.replace(next, "route-file");
    return next;
  }

  private changed(name: string, change: RouteWeightChange): RouteDefinition {
    const route = this.byName.get(name);
    if (!route) throw AppError.notFound(`route '${name}' not found; routes: ${this.list().map((r) => r.name).join(", ")}`);
    const next = { ...route, ...change };
    if (route.service === undefined && (next.percent > 0 || !next.gradual)) {
      throw AppError.invalid(`route '${name}' has no service target to shift traffic to; configure ${name.toUpperCase()}_SERVICE_URL`);
    }
    return next;
  }

  private replace(changed: RouteDefinition[], by: string): void {
    const changedByName = new Map(changed.map((r) => [r.name, r]));
    this.routes = this.routes.map((r) => changedByName.get(r.name) ?? r);
    this.byName = new Map(this.routes.map((r) => [r.name, r]));
    for (const route of changed) for (const listener of this.listeners) listener(route, by);
  }
}
