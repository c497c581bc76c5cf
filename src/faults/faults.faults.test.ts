import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FaultLedger, type LedgerCheck } from "./fault-ledger.ts";
import { FaultLoad, longestGapMs, REQUEST_BOUND_MS, type Operation, type Outcome } from "./fault-load.ts";
import { FaultTopology, type RoleName } from "./fault-topology.ts";
import { kafkaCopies } from "./kafka-copies.ts";

// The fault suite (`npm run test:faults`): the split topology as OS processes on real PostgreSQL
// (with PG_CONTROL, so it can be stopped and started) and a Kafka broker of its own, each fault
// under a bounded load through the gateway, each ending with the ledger's check that every
// acknowledged write is there exactly once, in the database and in the consumer group's handled set.
const env = process.env;
const controlUrl = env.PG_CONTROL_URL;
if (!controlUrl || !env.DB_CONNECTION_STRING || !env.KAFKA_BROKERS || env.KAFKA_EXCLUSIVE !== "true") {
  throw new Error("the fault suite needs PostgreSQL with PG_CONTROL and a Kafka broker of its own: run it as `npm run test:faults`");
}
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Short enough that a frozen service is given up on quickly; longer than a publish to Kafka may take (3 s).
const GATEWAY_TIMEOUT_MS = 4_000;
const PG_OUTAGE_MS = 10_000;

let topology: FaultTopology;
const ledger = new FaultLedger(env.DB_CONNECTION_STRING);
const figures: Record<string, { acknowledged: number; found: number; duplicates: number; longestGapMs: number; notes: string }> = {};

async function database(action: "stop" | "start"): Promise<void> {
  const reply = await fetch(`${controlUrl}/${action}`, { method: "POST", signal: AbortSignal.timeout(60_000) });
  if (!reply.ok) throw new Error(`PostgreSQL ${action}: ${await reply.text()}`);
}

async function kafka(action: "halt" | "start"): Promise<void> {
  await run(env.KAFKA_SCRIPT ?? "scripts/kafka.sh", [action], { env, timeout: 120_000 });
}

async function ready(role: RoleName): Promise<{ status: number; checks: Record<string, string> }> {
  try {
    const reply = await fetch(`${topology.urls[role]}/ready`, { signal: AbortSignal.timeout(5_000) });
    return { status: reply.status, checks: ((await reply.json()) as { checks: Record<string, string> }).checks };
  } catch (error) {
    return { status: 0, checks: { error: (error as Error).message } };
  }
}

/** Polls until `probe` passes or the bound is over; answers how long it took, or throws. */
async function within<T>(what: string, boundMs: number, probe: () => Promise<T>, pass: (value: T) => boolean): Promise<number> {
  const started = Date.now();
  let last: T | undefined;
  while (Date.now() - started < boundMs) {
    last = await probe();
    if (pass(last)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${what} not within ${boundMs} ms; last: ${JSON.stringify(last)}`);
}

/** Every request ended within the bound with a reply (never a hang), and no 5xx leaked a driver's words. */
function expectNoHangNoLeak(outcomes: readonly Outcome[]) {
  const hung = outcomes.filter((o) => o.status === 0 || o.ended - o.started > REQUEST_BOUND_MS);
  expect(hung, "requests with no reply within the bound").toEqual([]);
  const internal = outcomes.filter((o) => o.status === 500 || /ECONN|terminat|pg_|postgres|kafka|SQL/i.test(o.error ?? ""));
  expect(internal, "500s or driver messages").toEqual([]);
}

/** The figures of a scenario; the gap is that of the operation that went longest without a success (which, in the notes). */
function record(name: string, load: FaultLoad, check: LedgerCheck, from: number, notes = "") {
  const to = Math.max(...load.outcomes.map((o) => o.ended));
  const during = load.outcomes.filter((o) => o.started >= from);
  const gaps = [...new Set(during.map((o) => o.op))].map((op) => ({ op, ms: longestGapMs(during.filter((o) => o.op === op), from, to) }));
  const worst = gaps.reduce((a, b) => (b.ms > a.ms ? b : a));
  notes = `longest gap on ${worst.op}${notes ? `; ${notes}` : ""}`;
  figures[name] = { acknowledged: check.acknowledged, found: check.found, duplicates: check.duplicates, longestGapMs: worst.ms, notes };
  console.log(`[faults] ${name}: ${JSON.stringify(figures[name])}`);
}

function expectLedgerClean(check: LedgerCheck) {
  expect({ lost: check.lost, halfWritten: check.halfWritten, unhandled: check.unhandled, duplicates: check.duplicates }).toEqual({ lost: [], halfWritten: [], unhandled: [], duplicates: 0 });
  expect(check.found).toBe(check.acknowledged);
  expect(check.acknowledged).toBeGreaterThan(0);
}

const mixed: Operation[] = ["write-user", "read-user", "write-movie", "read-movie"];

beforeAll(async () => {
  topology = await FaultTopology.start({
    env,
    gatewayEnv: {
      GRADUAL_MIGRATION: "true",
      MOVIES_MIGRATION_PERCENT: "50",
      GATEWAY_TIMEOUT_MS: String(GATEWAY_TIMEOUT_MS),
      BREAKER_BASE_EJECTION_MS: "1000",
      BREAKER_MAX_EJECTION_MS: "2000",
    },
    watch: { skipped: /duplicate event skipped/, consumed: /domain event consumed/ },
  });
}, 180_000);

// A role that dies of its dependencies' fault fails the scenario; on any failure, the roles' last lines say why.
afterEach((context) => {
  const crashes = topology?.crashes.splice(0) ?? [];
  if (context.task.result?.state === "fail" || crashes.length > 0) {
    for (const role of ["monolith", "movies", "events", "gateway"] as const) if (topology) console.log(`[faults] last lines of ${role}:\n${topology.log(role).tail.slice(-15).join("\n")}`);
  }
  expect(crashes, "roles that exited by themselves").toEqual([]);
});

afterAll(async () => {
  await topology?.stopAll();
  console.log("[faults] per scenario (writes acknowledged, writes found, duplicates, longest client-visible gap):");
  for (const [name, f] of Object.entries(figures)) console.log(`[faults]   ${name}: ${f.acknowledged} acknowledged, ${f.found} found, ${f.duplicates} duplicates, longest gap ${f.longestGapMs} ms${f.notes ? `; ${f.notes}` : ""}`);
}, 60_000);

describe.sequential("faults", () => {
  it("PostgreSQL stopped for 10 s: 503 with Retry-After in bounded time, /ready says database down, every role recovers by itself", async () => {
    const load = new FaultLoad(topology.urls.gateway, mixed);
    const from = Date.now();
    load.start();
    let stoppedAt = 0;
    let restartingAt = 0;
    const downSeen: Record<string, Record<string, string>> = {};
    try {
      await sleep(2_000);
      await database("stop");
      stoppedAt = Date.now();
      // Readiness follows the database on every role that has one; liveness does not.
      for (const role of ["monolith", "movies", "events"] as const) {
        await within(`${role} /ready reporting the database down`, 5_000, () => ready(role), (r) => r.status === 503 && r.checks.database === "down");
        downSeen[role] = (await ready(role)).checks;
      }
      await sleep(Math.max(0, stoppedAt + PG_OUTAGE_MS - Date.now()));
    } finally {
      restartingAt = Date.now();
      await database("start");
    }
    const startedAt = Date.now();
    // Every role recovers without a restart: ready again, and the gateway takes writes again.
    for (const role of ["monolith", "movies", "events"] as const) await within(`${role} ready again`, 30_000, () => ready(role), (r) => r.status === 200);
    const recovered = await within("a write acknowledged again", 30_000, async () => load.outcomes.some((o) => o.op === "write-user" && o.started > startedAt && o.status === 201), Boolean);
    await sleep(2_000);
    await load.stop();

    expectNoHangNoLeak(load.outcomes);
    // Sent once the server had stopped, answered before it was asked to start again.
    const gapReplies = load.outcomes.filter((o) => o.started >= stoppedAt && o.ended <= restartingAt);
    expect(gapReplies.length).toBeGreaterThan(0);
    // Nothing in the gap is a 2xx (every operation needs the database); every refusal is a 503 that says when to retry.
    const wrong = gapReplies.filter((o) => o.status !== 503 || o.retryAfter === null || !o.error?.includes('"code":"UNAVAILABLE"'));
    expect(wrong, "replies during the outage that are not 503 with Retry-After").toEqual([]);
    expect(Math.max(...gapReplies.map((o) => o.ended - o.started))).toBeLessThan(GATEWAY_TIMEOUT_MS + 2_000);
    expect(Object.values(downSeen).every((checks) => checks.database === "down")).toBe(true);

    const check = await ledger.settle(load.tag, load.acknowledged);
    record("postgres-stopped-10s", load, check, from, `recovered ${recovered} ms after the restart; ${gapReplies.length} replies during the outage, all 503 with Retry-After`);
    expectLedgerClean(check);
  }, 180_000);

  it("the monolith killed with SIGKILL mid-write, then restarted: no half-written row, no lost acknowledged write", async () => {
    const load = new FaultLoad(topology.urls.gateway, ["write-user", "write-user", "write-movie", "read-user"]);
    const from = Date.now();
    load.start();
    try {
      await within("writes under way", 20_000, async () => load.acknowledged.length, (n) => n >= 20);
      await topology.kill("monolith");
      await sleep(1_000);
      await topology.restart("monolith");
      await within("users written again", 30_000, async () => load.outcomes.filter((o) => o.op === "write-user" && o.status === 201 && o.started > Date.now() - 1_000).length, (n) => n > 0);
      await sleep(1_000);
    } finally {
      await load.stop();
    }
    expectNoHangNoLeak(load.outcomes);
    const check = await ledger.settle(load.tag, load.acknowledged);
    const refused = load.outcomes.filter((o) => o.op.startsWith("write") && o.status !== 201).length;
    record("monolith-sigkill", load, check, from, `${refused} writes refused around the kill (not acknowledged)`);
    expectLedgerClean(check);
  }, 180_000);

  it("the events service killed mid-batch: redelivered events are handled once", async () => {
    const load = new FaultLoad(topology.urls.gateway, ["write-user", "write-movie", "read-movie"]);
    const from = Date.now();
    const skippedBefore = topology.log("events").counts.get("skipped") ?? 0;
    // Frozen while a backlog builds up on the topics, so there is a batch in hand when it is killed.
    topology.signal("events", "SIGSTOP");
    let handledAtKill = 0;
    try {
      load.start();
      await within("a backlog of writes", 60_000, async () => load.acknowledged.length, (n) => n >= 150);
      await load.stop();
      const acknowledged = load.acknowledged.length;
      topology.signal("events", "SIGCONT");
      expect(await ledger.firstHandled(load.tag)).toBeGreaterThan(0);
      await topology.kill("events");
      handledAtKill = acknowledged - (await ledger.check(load.tag, load.acknowledged)).unhandled.length;
    } finally {
      await topology.kill("events");
      await topology.restart("events");
    }
    const check = await ledger.settle(load.tag, load.acknowledged);
    const skipped = (topology.log("events").counts.get("skipped") ?? 0) - skippedBefore;
    record("events-sigkill-mid-batch", load, check, from, `killed with ${handledAtKill} of ${check.acknowledged} handled; ${skipped} redelivered events skipped as already handled`);
    expectNoHangNoLeak(load.outcomes);
    expectLedgerClean(check);
  }, 180_000);

  it("the movies service frozen (SIGSTOP): GETs keep succeeding through the monolith, and it takes traffic again after SIGCONT", async () => {
    const load = new FaultLoad(topology.urls.gateway, ["read-movie", "read-movie", "write-user"]);
    await load.burst(10, "write-movie");
    const movieId = load.acknowledged[0]!.id;
    const from = Date.now();
    load.start();
    let frozenAt = 0;
    let servedAgainMs = 0;
    try {
      await sleep(1_000);
      topology.signal("movies", "SIGSTOP");
      frozenAt = Date.now();
      await sleep(8_000);
    } finally {
      topology.signal("movies", "SIGCONT");
    }
    try {
      servedAgainMs = await within(
        "the movies service serving through the gateway again",
        30_000,
        async () => (await fetch(`${topology.urls.gateway}/api/movies/${movieId}`, { signal: AbortSignal.timeout(REQUEST_BOUND_MS) })).headers.get("x-served-by"),
        (servedBy) => servedBy === "movies-service",
      );
    } finally {
      await load.stop();
    }
    expectNoHangNoLeak(load.outcomes);
    const reads = load.outcomes.filter((o) => o.op === "read-movie");
    const failedReads = reads.filter((o) => o.status !== 200);
    expect(failedReads, "GETs that failed while the movies service was frozen").toEqual([]);
    const slowest = Math.max(...reads.filter((o) => o.started >= frozenAt).map((o) => o.ended - o.started));
    expect(slowest).toBeLessThan(GATEWAY_TIMEOUT_MS + 3_000);
    const check = await ledger.settle(load.tag, load.acknowledged);
    const readGap = longestGapMs(reads, from, Math.max(...reads.map((o) => o.ended)));
    record("movies-sigstop", load, check, from, `${reads.length} GETs all 200, slowest ${slowest} ms, longest GET gap ${readGap} ms; served by the movies service again ${servedAgainMs} ms after SIGCONT`);
    expectLedgerClean(check);
  }, 180_000);

  it("Kafka restarted during a burst of event POSTs: every 201 is in Kafka afterwards, once", async () => {
    const load = new FaultLoad(topology.urls.gateway, ["post-event", "post-event", "read-movie"]);
    await load.burst(4, "write-movie"); // something for the reads to find
    const from = Date.now();
    load.start();
    let restartMs = 0;
    let haltMs = 0;
    let startMs = 0;
    try {
      await within("events accepted", 20_000, async () => load.acknowledged.length, (n) => n >= 20);
      const halting = Date.now();
      try {
        await kafka("halt");
        haltMs = Date.now() - halting;
        await sleep(2_000);
      } finally {
        const starting = Date.now();
        await kafka("start");
        startMs = Date.now() - starting;
      }
      restartMs = Date.now() - halting;
      const startedAt = Date.now();
      await within("events accepted again", 60_000, async () => load.outcomes.filter((o) => o.op === "post-event" && o.status === 201 && o.started > startedAt).length, (n) => n >= 5);
    } finally {
      await load.stop();
    }
    expectNoHangNoLeak(load.outcomes);
    const posts = load.outcomes.filter((o) => o.op === "post-event");
    const refusals = posts.filter((o) => o.status !== 201);
    // A publish the broker did not confirm is a 503 (or the gateway's 504 when it took longer than its timeout), never a 201.
    expect(refusals.filter((o) => o.status !== 503 && o.status !== 504)).toEqual([]);
    const ids = load.acknowledged.filter((a) => a.kind === "event").map((a) => String(a.id));
    const copies = await kafkaCopies(env.KAFKA_BROKERS!.split(","), "movie-events", ids);
    const missing = ids.filter((id) => !copies.has(id));
    const inKafkaTwice = [...copies.values()].filter((n) => n > 1).length;
    const check = await ledger.settle(load.tag, load.acknowledged);
    record("kafka-restart", load, check, from, `broker away ${restartMs} ms (halt ${haltMs} ms, start ${startMs} ms); ${refusals.length} POSTs refused (${[...new Set(refusals.map((o) => o.status))].join("/")}); ${ids.length - missing.length} of ${ids.length} 201s read back from Kafka, ${inKafkaTwice} twice`);
    // Where the broker said each missing one went, and which other 201 it said went there too.
    const placedAt = (id: string) => load.acknowledged.find((a) => a.id === id)?.placed;
    const missingWhere = missing.map((id) => `${id} at ${placedAt(id)} (also answered for: ${load.acknowledged.filter((a) => a.id !== id && a.placed === placedAt(id)).map((a) => a.id).join(", ") || "none"})`);
    expect(missingWhere, "201s not in Kafka").toEqual([]);
    expect(inKafkaTwice).toBe(0);
    expectLedgerClean(check);
  }, 240_000);
});
