import { AppError } from "../../contracts/app-error.ts";
import { matchesPrefix, type RouteDefinition, type RouteTableFile, type RouteWeightChange } from "./route-table.ts";

/**
 * The live route table. Weights change at run time (admin API, watched file); each change replaces a
 * route object whole, so a request that already picked its route decides on one consistent version.
 */
export class RouteRegistry {
  private routes: RouteDefinition[];
  private readonly listeners: ((route: RouteDefinition) => void)[] = [];

  constructor(routes: RouteDefinition[]) {
    // Longest prefix first, so a nested prefix wins over its parent.
    this.routes = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The route whose prefix holds this path, if any. */
  match(path: string): RouteDefinition | undefined {
    return this.routes.find((r) => matchesPrefix(r.prefix, path));
  }

  list(): RouteDefinition[] {
    return [...this.routes].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Called with every route whose weight changed. */
  onChange(listener: (route: RouteDefinition) => void): void {
    this.listeners.push(listener);
  }

  /** Changes one route's weight; throws NOT_FOUND or INVALID_INPUT and changes nothing. */
  change(name: string, change: RouteWeightChange): RouteDefinition {
    const next = this.changed(name, change);
    this.replace([next]);
    return next;
  }

  /** Applies every route of a config file, or none of them when any is refused. */
  applyFile(file: RouteTableFile): RouteDefinition[] {
    const next = Object.entries(file.routes).map(([name, change]) => this.changed(name, change));
    this.replace(next);
    return next;
  }

  private changed(name: string, change: RouteWeightChange): RouteDefinition {
    const route = this.routes.find((r) => r.name === name);
    if (!route) throw AppError.notFound(`route '${name}' not found; routes: ${this.list().map((r) => r.name).join(", ")}`);
    const next = { ...route, ...change };
    if (route.service === undefined && (next.percent > 0 || !next.gradual)) {
      throw AppError.invalid(`route '${name}' has no service target to shift traffic to; configure ${name.toUpperCase()}_SERVICE_URL`);
    }
    return next;
  }

  private replace(changed: RouteDefinition[]): void {
    const byName = new Map(changed.map((r) => [r.name, r]));
    this.routes = this.routes.map((r) => byName.get(r.name) ?? r);
    for (const route of changed) for (const listener of this.listeners) listener(route);
  }
}
