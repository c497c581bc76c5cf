import type { OpenAPIHono } from "@hono/zod-openapi";
import type { DependencyContainer, InjectionToken } from "tsyringe";
import type { RemoteClient } from "../adapters/http-client/remote-client.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import type { Config } from "../config/config.ts";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import type { EdgeRoute } from "../adapters/http-server/edge/json-route-edge.ts";

/** One port of a module: its token, the in-process service and the remote client that stand behind it. */
export interface PortBinding<T> {
  readonly token: InjectionToken<T>;
  /** The service in this process; other ports, the database and the bus come from the container. */
  inProcess(container: DependencyContainer, config: Readonly<Config>): T;
  /** The client used when the module runs elsewhere (its `<NAME>_SERVICE_URL` is set). */
  remote(http: RemoteClient): T;
}

/** Technology a module uses wherever it runs (its content store): opened from the configuration, never remote. */
export interface AdapterBinding<T> {
  readonly token: InjectionToken<T>;
  open(config: Readonly<Config>): T;
}

/** Work a module runs beside its API wherever its own service runs (a consumer group, say). */
export interface ModuleWorker {
  stop(): Promise<void>;
}

/**
 * Everything the platform needs to know about a module, said once by the module itself. The
 * registry lists these; configuration variables, placement, the apps of each role, the roles, the
 * gateway's routes and the test platform are all derived from that list.
 */
export interface ModuleDescriptor {
  /** Lower-case name: the role name, and `<NAME>_SERVICE_URL`, `<NAME>_PORT`, `<NAME>_MIGRATION_PERCENT` in upper case. */
  readonly name: string;
  /** The OpenAPI title of the module's own service. */
  readonly title: string;
  /** Path prefixes the module serves; the gateway routes each of them to this module's targets. */
  readonly routePrefixes: readonly string[];
  readonly defaultPort: number;
  /** The legacy-style health path (`{"status": true}`); the module may answer it itself, else the database decides. */
  readonly healthPath: string;
  /**
   * True for the module that hands out tokens (login, registration, refresh): the per-route switch
   * (GATEWAY_REQUIRE_AUTH) never closes it, since nobody could get a token; `all` skips it.
   */
  readonly issuesTokens?: boolean;
  /** False for a module that never lived in the monolith: its own service is the gateway's only target. */
  readonly inMonolith: boolean;
  /** The PostgreSQL schema that holds the module's tables, and that only it touches. */
  readonly schema: string;
  /** Bus topics the module needs to exist. */
  readonly topics?: readonly string[];
  readonly ports: readonly PortBinding<unknown>[];
  readonly adapters?: readonly AdapterBinding<unknown>[];
  /** Path prefixes whose request bodies stream to the handler as sent: no JSON relabelling, no 1 MB limit (the handler bounds them). */
  readonly streamedBodyPaths?: readonly string[];
  /**
   * False when nothing under the module's routes reads the async request context (currentRequest()):
   * no remote hop, and no log line but the access and error lines, which name the request
   * themselves. Its own service then serves requests without entering that context, whose hooks on
   * Node 20 tax every promise of the process (see requestPipeline's `asyncContext`).
   */
  readonly asyncRequestContext?: false;
  /**
   * Routes of `routes` that the module's own service also serves at the Node edge (jsonRouteEdge),
   * for the hot paths where Hono's dispatch was most of the cost: the same schemas and handlers as
   * those routes, which still serve every request the edge hands on and document them. They run
   * outside the async request context, so only a module with `asyncRequestContext: false` has them.
   */
  edgeRoutes?(container: DependencyContainer): readonly EdgeRoute[];
  /** The module's HTTP API, written once against its ports. */
  routes(container: DependencyContainer): OpenAPIHono<AppEnv>;
  /** Started where the module's own service runs; stopped after its server has stopped. */
  worker?(container: DependencyContainer, log: Logger, config: Readonly<Config>): ModuleWorker;
}

/** The upper-case prefix of a module's variables: `movies` → `MOVIES`. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

// Role names that are not modules: a module may not take one of them.
const RESERVED_NAMES = new Set(["all-in-one", "monolith", "proxy", "gateway", "migrate", "seed"]);

/** Throws when two modules would collide: a name, a role name, a route prefix, or a malformed entry. */
export function checkRegistry(modules: readonly ModuleDescriptor[]): void {
  const names = new Set<string>();
  const prefixes = new Map<string, string>();
  for (const m of modules) {
    if (!/^[a-z][a-z0-9-]*$/.test(m.name)) throw new Error(`module name '${m.name}' must be lower-case letters, digits and dashes`);
    if (RESERVED_NAMES.has(m.name)) throw new Error(`module name '${m.name}' is a role or command of the platform`);
    if (names.has(m.name)) throw new Error(`module '${m.name}' is registered twice`);
    names.add(m.name);
    if (m.edgeRoutes && m.asyncRequestContext !== false) throw new Error(`module '${m.name}': edge routes run outside the async request context, so it must say asyncRequestContext: false`);
    for (const prefix of m.routePrefixes) {
      if (!/^\/[\w/-]+$/.test(prefix)) throw new Error(`module '${m.name}': route prefix '${prefix}' must be a path`);
      const other = prefixes.get(prefix);
      if (other) throw new Error(`route prefix '${prefix}' belongs to both '${other}' and '${m.name}'`);
      prefixes.set(prefix, m.name);
    }
  }
}
