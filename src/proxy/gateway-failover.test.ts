import { afterEach, describe, expect, it } from "vitest";
import type { RoutesReport } from "./control/admin-routes.ts";
import { countBy, sendMany } from "../testing/http-load.ts";
import { expectError } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { ADMIN_TOKEN, DOWN_SERVICE_URL, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

let g: TestGateway;
afterEach(() => g?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (body = '{"title":"x"}') => fetch(`${g.url}/api/movies`, { method: "POST", body, headers: { "content-type": "application/json" } });
const breakerOf = async (target: string) => {
  const report = (await (await fetch(`${g.adminUrl}/admin/routes`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as RoutesReport;
  return report.targets.find((t) => t.name === target);
};

describe("the safety net", () => {
  it("fails no GET when the service is killed under load, and brings traffic back when it restarts", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "50", BREAKER_BASE_EJECTION_MS: "300", BREAKER_MAX_EJECTION_MS: "1000" });
    const load = sendMany(3000, 20, async (i) => {
      if (i === 600) await g.movies.kill();
      return fetch(`${g.url}/api/movies?i=${i}`);
    });
    const results = await load;
    const counts = countBy(results);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(counts["movies-service"]).toBeGreaterThan(100);
    expect(counts.monolith).toBeGreaterThan(1500);

    await g.movies.start();
    // Ejections grow while the service is dead (capped at 1 s here); traffic returns after the next probe.
    let after: Record<string, number> = {};
    const deadline = Date.now() + 15_000;
    while ((after["movies-service"] ?? 0) <= 50 && Date.now() < deadline) {
      await sleep(200);
      after = countBy(await sendMany(200, 10, () => fetch(`${g.url}/api/movies`)));
      expect(after.failed).toBeUndefined();
    }
    expect(after["movies-service"]).toBeGreaterThan(50);
  }, 60_000);

  it("answers a GET from the monolith when the service answers 5xx, saying so in X-Fallback-From", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100" });
    g.movies.mode = "fail";
    const res = await fetch(`${g.url}/api/movies?id=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(res.headers.get("x-fallback-from")).toBe("movies-service");
    expect(((await res.json()) as { url: string }).url).toBe("/api/movies?id=1");
  });

  it("never sends a write that reached the service to another target", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100" });
    g.movies.mode = "fail";
    const failed = await post();
    expect(failed.status).toBe(500);
    expect(failed.headers.get("x-served-by")).toBe("movies-service");
    g.movies.mode = "reset";
    expectError(await readReply(await post()), 502, "BAD_GATEWAY", "the service could not be reached");
    expect(g.monolith.seen.filter((r) => r.method === "POST")).toEqual([]);
  });

  it("sends a write the service never received to the legacy target: the service is down", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100", MOVIES_SERVICE_URL: DOWN_SERVICE_URL });
    const res = await post('{"title":"kept"}');
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(res.headers.get("x-fallback-from")).toBe("movies-service");
    expect(g.monolith.seen.filter((r) => r.method === "POST").map((r) => r.bodyBytes)).toEqual([16]);
  });

  it("sends a GET whose connection to the last-resort target broke once more, and never a write", async () => {
    g = await startTestGateway();
    g.monolith.resetNext = 1;
    const res = await fetch(`${g.url}/api/movies?id=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-served-by")).toBe("monolith");
    expect(g.monolith.seen.filter((r) => r.url === "/api/movies?id=2")).toHaveLength(2);
    g.monolith.resetNext = 1;
    expectError(await readReply(await post()), 502, "BAD_GATEWAY", "the service could not be reached");
    expect(g.monolith.seen.filter((r) => r.method === "POST")).toHaveLength(1);
    const metrics = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(metrics).toContain('gateway_retries_total{route="movies",target="monolith"} 1');
  });

  it("answers 504 when the target does not answer within the timeout, naming no address", async () => {
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100", GATEWAY_TIMEOUT_MS: "300" });
    g.movies.mode = "slow";
    const started = Date.now();
    expectError(await readReply(await post()), 504, "GATEWAY_TIMEOUT", "the service did not answer in time");
    expect(Date.now() - started).toBeLessThan(2_000);
    // A GET in the same state is answered by the monolith after the timeout.
    expect((await fetch(`${g.url}/api/movies`)).headers.get("x-served-by")).toBe("monolith");
  });
});

describe("the circuit breaker", () => {
  it("opens after K consecutive failures, hands requests to the legacy target without sending, and closes again after recovery", async () => {
    // An ejection long enough that a loaded machine still asks within it.
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100", BREAKER_CONSECUTIVE_FAILURES: "3", BREAKER_BASE_EJECTION_MS: "2000" });
    g.movies.mode = "fail";
    for (let i = 0; i < 3; i++) expect((await post()).status).toBe(500);
    expect(await breakerOf("movies-service")).toMatchObject({ breaker: "open", ejections: 1 });

    const seenBefore = g.movies.seen.length;
    const started = Date.now();
    // Ejected: nothing is sent to the service, so even a write goes to the legacy target at once.
    const shed = await post();
    expect(Date.now() - started).toBeLessThan(200);
    expect(shed.status).toBe(200);
    expect(shed.headers.get("x-served-by")).toBe("monolith");
    expect(shed.headers.get("x-fallback-from")).toBe("movies-service");
    // GETs keep working through the monolith while the service is ejected.
    expect((await fetch(`${g.url}/api/movies`)).headers.get("x-served-by")).toBe("monolith");
    expect(g.movies.seen.length).toBe(seenBefore);

    g.movies.mode = "ok";
    await sleep(2_100);
    const probe = await post();
    expect(probe.status).toBe(200);
    expect(probe.headers.get("x-served-by")).toBe("movies-service");
    expect(await breakerOf("movies-service")).toMatchObject({ breaker: "closed" });

    const metrics = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(metrics).toContain('gateway_shed_total{target="movies-service",reason="ejected"} 2');
    expect(metrics).toContain('gateway_breaker_state{target="movies-service"} 0');
  });

  it("ejects for longer each time a probe fails", async () => {
    // Spans of a second: wide enough that a loaded machine's delays do not move a step across a bound.
    g = await startTestGateway({ MOVIES_MIGRATION_PERCENT: "100", BREAKER_CONSECUTIVE_FAILURES: "1", BREAKER_BASE_EJECTION_MS: "1000" });
    g.movies.mode = "fail";
    await post(); // first ejection: 1 s
    await sleep(1_300);
    expect((await post()).status).toBe(500); // the probe fails: second ejection, 2 s
    await sleep(1_000);
    expect((await post()).headers.get("x-served-by")).toBe("monolith"); // 1 s into 2: still ejected
    await sleep(1_300);
    expect((await post()).status).toBe(500); // past 2 s: probed again
    expect(await breakerOf("movies-service")).toMatchObject({ ejections: 3 });
  });

  it("hands the service's overflow over N concurrent plus M pending to the legacy target", async () => {
    g = await startTestGateway({
      MOVIES_MIGRATION_PERCENT: "100",
      BREAKER_MAX_CONCURRENT: "2",
      BREAKER_MAX_PENDING: "1",
      GATEWAY_TIMEOUT_MS: "1000",
      BREAKER_CONSECUTIVE_FAILURES: "100",
    });
    g.movies.mode = "slow";
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await post();
        return { status: res.status, servedBy: res.headers.get("x-served-by"), ms: Date.now() - started };
      }),
    );
    const handedOver = replies.filter((r) => r.servedBy === "monolith");
    expect(handedOver).toHaveLength(3);
    for (const r of handedOver) expect(r.ms).toBeLessThan(500);
    expect(replies.filter((r) => r.status === 504)).toHaveLength(3);
    expect(g.movies.seen.length).toBeLessThanOrEqual(3);
  });

  it("sheds the legacy target's own overload with a fast 503 and Retry-After, and recovers", async () => {
    g = await startTestGateway({ BREAKER_MAX_CONCURRENT: "2", BREAKER_MAX_PENDING: "1", GATEWAY_TIMEOUT_MS: "1000", BREAKER_CONSECUTIVE_FAILURES: "100" });
    g.monolith.mode = "slow";
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const reply = await readReply(await post());
        return { reply, ms: Date.now() - started };
      }),
    );
    const shed = replies.filter((r) => r.reply.status === 503);
    expect(shed).toHaveLength(3);
    for (const { reply, ms } of shed) {
      expectError(reply, 503, "UNAVAILABLE", "the service is overloaded; try again shortly");
      expect(reply.headers.get("retry-after")).toBe("1");
      expect(ms).toBeLessThan(500);
    }
    g.monolith.mode = "ok";
    expect((await post()).status).toBe(200);
  });
});
