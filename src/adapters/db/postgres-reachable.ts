import pg from "pg";
import type { Logger } from "../logging/logger.ts";

/** The PostgreSQL server did not accept a connection at start; the message never holds the URL. */
export class DatabaseUnreachable extends Error {
  override name = "DatabaseUnreachable";
  constructor(
    /** host:port, as the URL names it. */
    readonly address: string,
    readonly reason: string,
  ) {
    super(`cannot connect to ${address} (${reason})`);
  }
}

export interface ReachOptions {
  /** Waits between attempts; their count bounds the retries. */
  retryDelaysMs: readonly number[];
  /** How long one attempt may wait for the server's answer. */
  attemptTimeoutMs: number;
  log?: Logger;
}

// A database that comes up a few seconds after the app (Kubernetes starts pods in any order) is
// normal, so transient failures are retried for about 8 s; after that the process exits with one
// clear line and the orchestrator's restart back-off takes over.
export const defaultReach: ReachOptions = { retryDelaysMs: retryDelays(5), attemptTimeoutMs: 3_000 };

/** 250 ms, doubling, `count` times: 5 retries wait about 8 s for a server that is still starting. */
export function retryDelays(count: number): number[] {
  return Array.from({ length: count }, (_, i) => 250 * 2 ** i);
}

interface Failure {
  reason: string;
  /** Whether waiting could help: the server may be starting, or its name not yet in DNS. */
  transient: boolean;
}

const transientCodes: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "timed out",
  EAI_AGAIN: "host name lookup failed",
  // SQLSTATE: the server is starting, shutting down, or full; all pass.
  "57P03": "the database system is starting up",
  "53300": "too many connections",
};

/** Why one connection attempt failed, in words that never include the URL (it may hold a password). */
export function describeFailure(error: unknown, url: URL, attemptTimeoutMs: number): Failure {
  const e = error as { code?: string; message?: string; errors?: { code?: string }[] };
  // Node reports a name with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const code = e.code ?? e.errors?.[0]?.code;
  if (code && transientCodes[code]) return { reason: transientCodes[code], transient: true };
  if (code === "ENOTFOUND") return { reason: "host not found", transient: true };
  const message = e.message ?? String(error);
  if (/timeout/i.test(message)) return { reason: `no answer within ${attemptTimeoutMs} ms`, transient: true };
  if (/terminated unexpectedly/i.test(message)) return { reason: "connection closed by the server", transient: true };
  // Wrong password, unknown database or role, pg_hba refusal, TLS mismatch: waiting will not help.
  return { reason: redact(message, url), transient: false };
}

// A password with a stray `%` is not valid percent-encoding; it is then redacted as written.
function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function redact(text: string, url: URL): string {
  const secrets = [url.password, decodedOrAsIs(url.password)].filter((s) => s.length > 0);
  return secrets.reduce((out, secret) => out.split(secret).join("***"), text);
}

async function attempt(connectionString: string, timeoutMs: number): Promise<unknown> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  // A failed connect can still emit "error" afterwards; unhandled, it would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Resolves once the server accepts a connection; retries transient failures, then throws DatabaseUnreachable. */
export async function waitForPostgres(connectionString: string, options: ReachOptions = defaultReach): Promise<void> {
  const url = new URL(connectionString);
  const address = `${url.hostname || "localhost"}:${url.port || 5432}`;
  for (let tries = 0; ; tries++) {
    const error = await attempt(connectionString, options.attemptTimeoutMs);
    if (error === undefined) return;
    const failure = describeFailure(error, url, options.attemptTimeoutMs);
    const delay = options.retryDelaysMs[tries];
    if (!failure.transient || delay === undefined) throw new DatabaseUnreachable(address, failure.reason);
    options.log?.warn({ address, reason: failure.reason, attempt: tries + 1, retryInMs: delay }, "database not reachable yet, retrying");
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
