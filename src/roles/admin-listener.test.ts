import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendToOutbox } from "../adapters/outbox/outbox.ts";
import { parkRow } from "../adapters/outbox/outbox-parked.ts";
import { outboxMessages } from "../adapters/outbox/outbox.tables.ts";
import { expectError } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { ADMIN_TOKEN, startTestGateway } from "../testing/test-gateway.ts";
import { eventually } from "../testing/test-bus.ts";
import { startTestRole } from "../testing/test-platform.ts";
import type { RunningRole } from "./run-role.ts";

// Every role over real HTTP on 127.0.0.1, ports 0: the admin listener answers what the public ports never do.
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const at = (port: number | undefined, path: string) => `http://127.0.0.1:${port}${path}`;

async function scrape(role: RunningRole): Promise<string> {
  const res = await fetch(at(role.ports.admin, "/metrics"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  return res.text();
}

/** The names of the metrics a scrape lists (its `# TYPE` lines). */
const names = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));

const processMetrics = ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_p99_seconds", "nodejs_heap_size_used_bytes"];
const databaseRoleMetrics = [
  "http_server_request_duration_seconds",
  "db_query_duration_seconds",
  "bus_published_total",
  "bus_consumed_total",
  "bus_consumer_lag",
  "outbox_pending_messages",
  "outbox_parked_messages",
];

describe.each([
  ["monolith", "monolith", "/api/movies/1"],
  ["movies", "movies", "/api/movies/1"],
  ["events", "events", "/api/events/health"],
])("the %s role's admin listener", (roleName, publicListener, path) => {
  let role: RunningRole;
  beforeAll(async () => {
    role = await startTestRole(roleName, { ADMIN_TOKEN });
  }, 60_000);
  afterAll(() => role.stop());

  it("serves /metrics: process and Node metrics, HTTP by route template, database, bus and outbox", async () => {
    // No seed in tests: movie 1 is a 404, which is labelled like any answer.
    const { status } = await fetch(at(role.ports[publicListener], path));
    const text = await scrape(role);
    expect([...names(text)]).toEqual(expect.arrayContaining([...processMetrics, ...databaseRoleMetrics]));
    // The template the route was written with, never the path the client sent.
    const route = path.replace(/\/1$/, "/:id");
    expect(text).toMatch(new RegExp(`^http_server_request_duration_seconds_count\\{service="${roleName}",method="GET",route="${route}",status="${status}"\\} [1-9]`, "m"));
    expect(text).not.toContain('route="/api/movies/1"');
    expect(text).toMatch(/^db_query_duration_seconds_count\{driver="(pglite|postgres)",outcome="ok"\} [1-9]/m);
    // A PostgreSQL server (the CI tier): the pool is counted too.
    if (role.platform!.database.kind === "postgres") expect(text).toMatch(/^db_pool_connections\{state="total"\} [1-9]/m);
  });

  it("answers 404 for /metrics and /admin/* on the public port, whatever the token", async () => {
    for (const p of ["/metrics", "/admin/outbox/parked", "/admin/routes"]) {
      const res = await fetch(at(role.ports[publicListener], p), { headers: auth });
      expectError(await readReply(res), 404, "NOT_FOUND", `no route for GET ${p}`);
    }
  });

  it("binds the admin listener apart from the public one", () => {
    expect(role.ports.admin).toBeGreaterThan(0);
    expect(role.ports.admin).not.toBe(role.ports[publicListener]);
  });
});

describe("the events role's consumer lag", () => {
  it("is reported per group, topic and partition", { timeout: 90_000 }, async () => {
    const role = await startTestRole("events", { ADMIN_TOKEN });
    try {
      // On a real broker the first publish may come before the topic is there (503): bounded retries.
      const post = () => fetch(at(role.ports.events, "/api/events/movie"), { method: "POST", body: JSON.stringify({ movie_id: 7, title: "Heat", action: "viewed" }) });
      expect(await eventually(async () => (await post()).status, (status) => status === 201, 30_000)).toBe(201);
      const text = await eventually(() => scrape(role), (t) => /^bus_consumer_lag\{/m.test(t), 20_000);
      expect(text).toMatch(/^bus_consumer_lag\{group="[^"]+",topic="movie-events",partition="\d+"\} \d+$/m);
      expect(text).toMatch(/^bus_published_total\{topic="movie-events",outcome="ok"\} 1$/m);
    } finally {
      await role.stop();
    }
  });
});

describe("outbox admin calls on the monolith's admin listener", () => {
  let role: RunningRole;
  let admin: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;
  beforeAll(async () => {
    // No relay: the rows this test parks stay exactly as it left them.
    role = await startTestRole("monolith", { ADMIN_TOKEN, OUTBOX_RELAY: "false" });
    admin = (method, path, body, headers = auth) =>
      fetch(at(role.ports.admin, path), { method, headers: { ...headers, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  }, 60_000);
  afterAll(() => role.stop());

  async function parkOne(key: string): Promise<number> {
    const db = role.platform!.database.db;
    await appendToOutbox(db, { topic: "admin-test", key, value: `{"key":"${key}"}` });
    const [row] = await db.select().from(outboxMessages).where(eq(outboxMessages.key, key));
    await db.transaction((tx) => parkRow(tx, row!, "refused 5 times: test"));
    return row!.id;
  }

  it("refuses every call without the token, and with a wrong one", async () => {
    for (const headers of [{}, { authorization: "Bearer wrong-token-0123456789" }] as Record<string, string>[]) {
      expect((await admin("GET", "/admin/outbox/parked", undefined, headers)).status).toBe(401);
      expect((await admin("POST", "/admin/outbox/parked/replay", {}, headers)).status).toBe(401);
    }
  });

  it("lists parked rows, replays some, discards others; the gauges follow", async () => {
    const a = await parkOne("a");
    const b = await parkOne("b");
    const listed: any = await (await admin("GET", "/admin/outbox/parked")).json();
    expect(listed.parked.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([a, b]));
    expect(listed.parked.find((r: { id: number }) => r.id === a)).toMatchObject({ topic: "admin-test", key: "a", reason: "refused 5 times: test" });
    expect(await scrape(role)).toMatch(/^outbox_parked_messages 2$/m);

    expect(await (await admin("POST", "/admin/outbox/parked/replay", { ids: [a] })).json()).toEqual({ replayed: [a] });
    expect(await (await admin("POST", "/admin/outbox/parked/discard", { ids: [b] })).json()).toEqual({ discarded: [b] });
    const after: any = await (await admin("GET", "/admin/outbox/parked")).json();
    expect(after.parked).toEqual([]);
    const text = await scrape(role);
    expect(text).toMatch(/^outbox_parked_messages 0$/m);
    expect(text).toMatch(/^outbox_pending_messages [1-9]/m);
  });

  it("answers bad input with 400 and changes nothing", async () => {
    const kept = await parkOne("kept");
    for (const [path, body] of [
      ["/admin/outbox/parked/replay", { ids: "all" }],
      ["/admin/outbox/parked/replay", { ids: [] }],
      ["/admin/outbox/parked/discard", {}],
      ["/admin/outbox/parked/discard", { ids: [-1] }],
      ["/admin/outbox/parked/discard", { ids: [kept], force: true }],
    ] as const) {
      expectError(await readReply(await admin("POST", path, body)), 400, "INVALID_INPUT");
    }
    const res = await fetch(at(role.ports.admin, "/admin/outbox/parked/discard"), { method: "POST", headers: auth, body: "{not json" });
    expectError(await readReply(res), 400, "INVALID_INPUT", "body: must be valid JSON");
    expectError(await readReply(await admin("GET", "/admin/outbox/parked?limit=0")), 400, "INVALID_INPUT");
    const listed: any = await (await admin("GET", "/admin/outbox/parked")).json();
    expect(listed.parked.map((r: { id: number }) => r.id)).toEqual([kept]);
  });
});

describe("the gateway role's admin listener", () => {
  it("serves the process metrics beside the gateway's own, and the admin API", async () => {
    const g = await startTestGateway();
    try {
      await fetch(`${g.url}/api/movies`);
      const text = await (await fetch(`${g.adminUrl}/metrics`)).text();
      expect([...names(text)]).toEqual(expect.arrayContaining([...processMetrics, "gateway_requests_total", "gateway_breaker_state", "gateway_route_percent"]));
      expect((await fetch(`${g.adminUrl}/admin/routes`, { headers: auth })).status).toBe(200);
    } finally {
      await g.stop();
    }
  });
});

describe("the all-in-one's one admin listener", () => {
  it("serves the gateway's admin API, the outbox calls and every metric of the process", async () => {
    const role = await startTestRole("all-in-one", { ADMIN_TOKEN });
    try {
      expect(Object.keys(role.ports).filter((name) => name.includes("admin"))).toEqual(["admin"]);
      await fetch(at(role.ports.gateway, "/api/movies?limit=1"));
      const text = await scrape(role);
      expect([...names(text)]).toEqual(expect.arrayContaining([...processMetrics, ...databaseRoleMetrics, "gateway_requests_total"]));
      expect((await fetch(at(role.ports.admin, "/admin/routes"), { headers: auth })).status).toBe(200);
      expect(await (await fetch(at(role.ports.admin, "/admin/outbox/parked"), { headers: auth })).json()).toEqual({ parked: [] });
      for (const listener of ["gateway", "monolith", "movies", "events", "users", "payments", "auth"]) {
        for (const p of ["/metrics", "/admin/routes", "/admin/outbox/parked"]) {
          expect((await fetch(at(role.ports[listener], p), { headers: auth })).status, `${listener} ${p}`).toBe(404);
        }
      }
    } finally {
      await role.stop();
    }
  });
});
