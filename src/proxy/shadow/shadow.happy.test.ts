import { afterEach, describe, expect, it } from "vitest";
import { idOf, movie, startRolloutGateway, waitFor, type RolloutGateway } from "../../testing/rollout-gateway.ts";
import { quantile } from "../rollout/rollout-analysis.ts";

describe("shadow traffic", () => {
  let gw: RolloutGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });

  it("learns a field that differs legacy-vs-legacy (a timestamp) as noise, and still counts a real difference", async () => {
    let clock = 0;
    // Every answer of either side carries a fresh timestamp; the service also differs in its title for movie 3.
    gw = await startRolloutGateway(
      (r) => ({ body: { ...movie(idOf(r.path)), generatedAt: `2026-01-01T00:00:${String(++clock % 60).padStart(2, "0")}Z` } }),
      (r) => ({ body: { ...movie(idOf(r.path)), title: idOf(r.path) === "3" ? "Heat (1995)" : "Heat", generatedAt: `2026-02-02T00:00:${String(++clock % 60).padStart(2, "0")}Z` } }),
    );
    const put = await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: 100, redact: ["title"] });
    expect(put).toEqual({ status: 200, json: { percent: 100, compareHeaders: [], ignorePaths: [], redact: ["title"] } });
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${gw.url}/api/movies/${i % 10 === 0 ? 3 : 1}`);
      expect(res.headers.get("x-served-by")).toBe("monolith");
      await res.arrayBuffer();
    }
    const diff = await waitFor(async () => (await gw!.admin.call("GET", "/admin/routes/movies/diff")).json, (d) => d.compared === 30);
    expect(diff).toMatchObject({ route: "movies", compared: 30, mismatched: 3, matched: 27 });
    expect(diff.noisy).toBe(27);
    expect(diff.noisyPaths).toEqual([{ path: "$.generatedAt", count: expect.any(Number) }]);
    // The title is redacted in the examples, as asked.
    expect(diff.topMismatches).toEqual([{ path: "$.title", count: 3, examples: [{ legacy: "[redacted]", service: "[redacted]" }, { legacy: "[redacted]", service: "[redacted]" }, { legacy: "[redacted]", service: "[redacted]" }] }]);
    expect(await gw.admin.metrics()).toContain('gateway_shadow_mismatched_total{route="movies"} 3');

    expect((await gw.admin.call("DELETE", "/admin/routes/movies/diff")).status).toBe(204);
    expect((await gw.admin.call("GET", "/admin/routes/movies/diff")).json).toMatchObject({ compared: 0, mismatched: 0, topMismatches: [] });
  }, 60_000);

  it("sends the copy only once the client's reply is complete, never delaying it, and drops copies when busy", async () => {
    // The legacy target holds the real reply's body 300 ms; the service never answers a shadow copy.
    gw = await startRolloutGateway(
      (r) => ({ body: movie(idOf(r.path)), bodyDelayMs: r.shadow ? 0 : 300 }),
      (r) => (r.shadow ? "hang" : { body: movie(idOf(r.path)) }),
      { GATEWAY_SHADOW_MAX_CONCURRENT: "2", GATEWAY_SHADOW_TIMEOUT_MS: "30000" },
    );
    await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: 100 });
    const res = await fetch(`${gw.url}/api/movies/1`, { headers: { "x-request-id": "first" } });
    expect(await res.json()).toEqual(movie("1"));
    const real = gw.legacy.seen.find((r) => r.requestId === "first" && !r.shadow)!;
    const copies = await waitFor(async () => gw!.legacy.seen.filter((r) => r.requestId === "first" && r.shadow), (c) => c.length >= 1);
    // The copy left after the whole body went out, which the legacy target held 300 ms.
    expect(copies[0]!.arrivedAt - real.arrivedAt).toBeGreaterThanOrEqual(290);

    // With the two shadow slots stuck on the hanging service, further copies are dropped, and the
    // clients' replies are as fast as with the shadow off (compared loosely: same order of magnitude).
    gw.legacy.script = (r) => ({ body: movie(idOf(r.path)) });
    const timed = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        const reply = await fetch(`${gw!.url}/api/movies/2`);
        expect(await reply.json()).toEqual(movie("2"));
        times.push(performance.now() - started);
      }
      return times;
    };
    const withShadow = await timed(25);
    await gw.admin.call("PUT", "/admin/routes/movies/shadow", { percent: 0 });
    const withoutShadow = await timed(25);
    expect(quantile(withShadow, 0.99)).toBeLessThan(quantile(withoutShadow, 0.99) * 5 + 100);
    const diff = (await gw.admin.call("GET", "/admin/routes/movies/diff")).json;
    expect(diff.dropped).toBeGreaterThanOrEqual(23);
    expect(await gw.admin.metrics()).toMatch(/gateway_shadow_dropped_total\{route="movies"\} (2[3-9]|[3-9]\d)/);
  }, 60_000);
});
