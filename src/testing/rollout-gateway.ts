import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig } from "../config/config.ts";
import { createLogger } from "../adapters/logging/logger.ts";
import { moduleRegistry } from "../modules/registry.ts";
import { startRole } from "../roles/run-role.ts";
import { ADMIN_TOKEN } from "./test-gateway.ts";
import { anyFreePorts, startTestRole } from "./test-platform.ts";
import { ScriptedService, type ScriptedReply, type ScriptedRequest } from "./scripted-service.ts";
import type { RunningRole } from "../roles/run-role.ts";

export type Script = (request: ScriptedRequest) => ScriptedReply | "hang";

/** The same movie every time: what a good service and the monolith both answer. */
export const movie = (id: string) => ({ id: Number(id) || 1, title: "Heat", genres: ["Crime", "Drama"], rating: 8.3 });
export const idOf = (path: string) => /\/api\/movies\/(\d+)/.exec(path)?.[1] ?? "1";

/** Admin calls on one gateway's admin listener, with the token. */
export function adminClient(adminUrl: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    rollout: async (route = "movies") => (await call("GET", `/admin/routes/${route}/rollout`)).json,
    metrics: async () => (await fetch(`${adminUrl}/metrics`)).text(),
  };
}

export interface RolloutGateway {
  url: string;
  adminUrl: string;
  admin: ReturnType<typeof adminClient>;
  legacy: ScriptedService;
  service: ScriptedService;
  role: RunningRole;
  stop(): Promise<void>;
}

/** The proxy role (state in memory) in front of a scripted monolith and a scripted movies service. */
export async function startRolloutGateway(legacyScript: Script, serviceScript: Script, env: Record<string, string> = {}): Promise<RolloutGateway> {
  const legacy = await new ScriptedService("monolith", legacyScript).start();
  const service = await new ScriptedService("movies-service", serviceScript).start();
  const role = await startTestRole("proxy", {
    MONOLITH_URL: legacy.url,
    MOVIES_SERVICE_URL: service.url,
    ADMIN_TOKEN,
    GATEWAY_ROLLOUT_TICK_MS: "50",
    DB_CONNECTION_STRING: "",
    DATABASE_URL: "",
    ...env,
  });
  const adminUrl = `http://127.0.0.1:${role.ports.admin}`;
  return {
    url: `http://127.0.0.1:${role.ports.gateway}`,
    adminUrl,
    admin: adminClient(adminUrl),
    legacy,
    service,
    role,
    stop: async () => {
      await role.stop();
      await Promise.all([legacy.kill(), service.kill()]);
    },
  };
}

export interface Traffic {
  /** Requests that got no 2xx. */
  failed: { status: number; error?: string }[];
  /** Keys seen on the service and later on the legacy target (without a fallback). */
  movedBack: string[];
  sent: number;
  stop(): Promise<void>;
}

/**
 * Keyed GETs from `workers` loops until stopped, recording failures and every caller that moved
 * from the service back to legacy. Bounded: each loop sends one request at a time.
 */
export function keyedTraffic(gatewayUrl: string, workers = 4, keys = 24): Traffic {
  const onService = new Set<string>();
  const traffic: Traffic = { failed: [], movedBack: [], sent: 0, stop: async () => {} };
  let running = true;
  let i = 0;
  const loop = async () => {
    while (running) {
      const key = `user-${i++ % keys}`;
      try {
        const res = await fetch(`${gatewayUrl}/api/movies/${1 + (i % 5)}`, { headers: { "x-user-id": key } });
        await res.arrayBuffer();
        traffic.sent++;
        if (res.status !== 200) traffic.failed.push({ status: res.status });
        const servedBy = res.headers.get("x-served-by");
        const fellBack = res.headers.get("x-fallback-from") !== null;
        if (servedBy === "movies-service") onService.add(key);
        else if (onService.has(key) && !fellBack && !traffic.movedBack.includes(key)) traffic.movedBack.push(key);
      } catch (error) {
        traffic.failed.push({ status: 0, error: String((error as Error).cause ?? error) });
      }
    }
  };
  const loops = Array.from({ length: workers }, loop);
  traffic.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return traffic;
}

/** Polls until `check` returns a value or the deadline passes (then the last value, for the assertion). */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await probe();
  }
  return value;
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database on the PostgreSQL server at `serverUrl`, for several gateways to share; dropped by `drop`. */
export async function sharedDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cinema_rollout_${randomBytes(4).toString("hex")}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`) };
}

/** One gateway replica (the proxy role) on free ports; give it DB_CONNECTION_STRING to share its state. */
export async function startProxyReplica(env: Record<string, string>): Promise<RunningRole> {
  const config = loadConfig({ ...anyFreePorts(moduleRegistry), HOST: "127.0.0.1", ADMIN_TOKEN, SEED_ON_START: "false", ...env }, moduleRegistry);
  return startRole("proxy", config, createLogger("silent"));
}
