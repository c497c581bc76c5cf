import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { freeLoopbackPort } from "./free-port.ts";

export type RoleName = "monolith" | "movies" | "events" | "gateway";

interface RoleSpec {
  bundle: string;
  health: string;
  env: Record<string, string>;
}

/** Lines a process printed, newest last; a bounded window, plus counts of chosen patterns over all of them. */
export interface ProcessLog {
  tail: string[];
  counts: Map<string, number>;
}

const TAIL_LINES = 200;

/**
 * The split topology of scripts/topology.mjs (monolith, movies service, events service, gateway in
 * front, each an OS process from dist/), started by the test itself so that it holds every pid:
 * it kills, freezes and restarts roles, and stops each one by pid at the end, even on failure.
 * Free loopback ports, so it never meets another run's topology.
 */
export class FaultTopology {
  private readonly running = new Map<RoleName, ChildProcess>();
  private readonly logs = new Map<RoleName, ProcessLog>();
  private readonly specs: Record<RoleName, RoleSpec>;
  private readonly meant = new Set<ChildProcess>();
  /** Processes that exited without the test asking, with how: a role must survive its dependencies' faults. */
  readonly crashes: string[] = [];

  private constructor(
    readonly urls: Record<RoleName, string>,
    specs: Record<RoleName, RoleSpec>,
    /** Log patterns counted over each process's whole output, by name. */
    private readonly watched: Record<string, RegExp>,
  ) {
    this.specs = specs;
  }

  static async start(options: { env: Record<string, string | undefined>; gatewayEnv: Record<string, string>; watch?: Record<string, RegExp> }): Promise<FaultTopology> {
    const ports = { monolith: await freeLoopbackPort(), movies: await freeLoopbackPort(), events: await freeLoopbackPort(), gateway: await freeLoopbackPort(), admin: await freeLoopbackPort() };
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const { env } = options;
    const shared: Record<string, string> = {
      PATH: env.PATH ?? "",
      HOST: "127.0.0.1",
      // Every role has an admin listener; only the gateway's is at a known port here.
      ADMIN_PORT: "0",
      DB_CONNECTION_STRING: env.DB_CONNECTION_STRING ?? "",
      KAFKA_BROKERS: env.KAFKA_BROKERS ?? "",
      AUTH_JWT_KEYS: `faults:${randomBytes(32).toString("base64url")}`,
      LOG_LEVEL: "info",
    };
    const specs: Record<RoleName, RoleSpec> = {
      monolith: { bundle: "monolith", health: "/health", env: { ...shared, PORT: String(ports.monolith) } },
      movies: { bundle: "movies", health: "/api/movies/health", env: { ...shared, PORT: String(ports.movies) } },
      events: { bundle: "events", health: "/api/events/health", env: { ...shared, PORT: String(ports.events) } },
      gateway: {
        bundle: "proxy",
        health: "/health",
        env: {
          ...shared,
          PORT: String(ports.gateway),
          ADMIN_PORT: String(ports.admin),
          MONOLITH_URL: url(ports.monolith),
          MOVIES_SERVICE_URL: url(ports.movies),
          EVENTS_SERVICE_URL: url(ports.events),
          ...options.gatewayEnv,
        },
      },
    };
    const topology = new FaultTopology(
      { monolith: url(ports.monolith), movies: url(ports.movies), events: url(ports.events), gateway: url(ports.gateway) },
      specs,
      options.watch ?? {},
    );
    try {
      // The monolith first: it migrates the database; the others find it migrated.
      await topology.restart("monolith");
      await Promise.all([topology.restart("movies"), topology.restart("events")]);
      await topology.restart("gateway");
    } catch (error) {
      await topology.stopAll();
      throw error;
    }
    return topology;
  }

  pid(name: RoleName): number {
    const pid = this.running.get(name)?.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    return pid;
  }

  log(name: RoleName): ProcessLog {
    let log = this.logs.get(name);
    if (!log) this.logs.set(name, (log = { tail: [], counts: new Map() }));
    return log;
  }

  /** Sends a signal to the role's process by pid (SIGKILL, SIGSTOP, SIGCONT...). */
  signal(name: RoleName, signal: NodeJS.Signals): void {
    process.kill(this.pid(name), signal);
  }

  /** SIGKILL, and resolves once the process is gone. */
  async kill(name: RoleName): Promise<void> {
    const child = this.running.get(name);
    if (!child || exited(child)) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    this.meant.add(child);
    child.kill("SIGCONT");
    child.kill("SIGKILL");
    await gone;
  }

  /** Starts the role (again, if it died) and resolves once its health check answers 200. */
  async restart(name: RoleName, timeoutMs = 60_000): Promise<void> {
    const current = this.running.get(name);
    if (current && !exited(current)) throw new Error(`${name} (pid ${current.pid}) is still running`);
    const spec = this.specs[name];
    const child = spawn(process.execPath, [`dist/${spec.bundle}.mjs`], { env: spec.env, stdio: ["ignore", "pipe", "pipe"] });
    this.running.set(name, child);
    const log = this.log(name);
    child.once("exit", (code, signal) => {
      if (!this.meant.has(child)) this.crashes.push(`${name} (pid ${child.pid}) exited by itself: ${signal ?? code}; last lines:\n${log.tail.slice(-8).join("\n")}`);
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        log.tail.push(line);
        if (log.tail.length > TAIL_LINES) log.tail.shift();
        for (const [key, pattern] of Object.entries(this.watched)) if (pattern.test(line)) log.counts.set(key, (log.counts.get(key) ?? 0) + 1);
      });
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exited(child)) throw new Error(`${name} exited during start: ${log.tail.slice(-5).join("\n")}`);
      try {
        if ((await fetch(`${this.urls[name]}${spec.health}`, { signal: AbortSignal.timeout(2_000) })).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms`);
  }

  /** Stops every role by pid: SIGCONT first (a frozen process cannot act on SIGTERM), SIGKILL after 10 s. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async (child) => {
        if (exited(child)) return;
        const gone = new Promise((resolve) => child.once("exit", resolve));
        this.meant.add(child);
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
