import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countBy, sendMany } from "../testing/http-load.ts";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

// Real HTTP on 127.0.0.1: client → gateway (proxy role) → fake monolith / fake movies service.
let g: TestGateway;
beforeAll(async () => void (g = await startTestGateway()));
afterAll(() => g.stop());

const getMovies = (headers: Record<string, string> = {}) => fetch(`${g.url}/api/movies`, { headers });

describe("the split", () => {
  it("is exact at 0 percent and at 100 percent", async () => {
    expect((await g.reweight("movies", { percent: 0 })).status).toBe(200);
    expect(countBy(await sendMany(300, 20, (i) => getMovies(i % 2 ? { "x-user-id": `u${i}` } : {})))).toEqual({ monolith: 300 });
    await g.reweight("movies", { percent: 100 });
    expect(countBy(await sendMany(300, 20, (i) => getMovies(i % 2 ? { "x-user-id": `u${i}` } : {})))).toEqual({ "movies-service": 300 });
  });

  it("sends all of it to the service when the migration is finished (gradual false)", async () => {
    await g.reweight("movies", { percent: 0, gradual: false });
    expect(countBy(await sendMany(100, 20, () => getMovies()))).toEqual({ "movies-service": 100 });
    await g.reweight("movies", { gradual: true });
  });

  it("lands 10,000 keyless requests at 30 percent within 3 sigma", async () => {
    await g.reweight("movies", { percent: 30 });
    const counts = countBy(await sendMany(10_000, 50, () => getMovies()));
    const n = 10_000;
    const sigma = Math.sqrt(n * 0.3 * 0.7);
    expect(counts.failed).toBeUndefined();
    expect((counts["movies-service"] ?? 0) + (counts.monolith ?? 0)).toBe(n);
    expect(Math.abs((counts["movies-service"] ?? 0) - 0.3 * n)).toBeLessThan(3 * sigma);
  }, 120_000);

  it("keeps a keyed caller on one target across 100 requests", async () => {
    await g.reweight("movies", { percent: 50 });
    for (const user of ["alice", "bob", "carol", "dave"]) {
      const served = new Set((await sendMany(100, 10, () => getMovies({ "x-user-id": user }))).map((r) => r.servedBy));
      expect(served.size, `${user} was served by ${[...served].join(" and ")}`).toBe(1);
    }
  });

  it("moves callers only from the monolith to the service when the percent rises: every key at 20 is still there at 50", async () => {
    const users = Array.from({ length: 300 }, (_, i) => `caller-${i}`);
    const onService = async () => {
      const results = await sendMany(users.length, 20, (i) => getMovies({ "x-user-id": users[i]! }));
      return new Set(users.filter((_, i) => results[i]!.servedBy === "movies-service"));
    };
    await g.reweight("movies", { percent: 20 });
    const at20 = await onService();
    await g.reweight("movies", { percent: 50 });
    const at50 = await onService();
    expect(at20.size).toBeGreaterThan(30);
    expect(at50.size).toBeGreaterThan(at20.size);
    for (const user of at20) expect(at50.has(user), `${user} moved back to the monolith`).toBe(true);
  });

  it("routes users, payments and subscriptions to the monolith, whatever the movies percent", async () => {
    await g.reweight("movies", { percent: 100 });
    for (const path of ["/api/users", "/api/payments?user_id=1", "/api/subscriptions"]) {
      const res = await fetch(`${g.url}${path}`);
      expect(res.headers.get("x-served-by")).toBe("monolith");
      expect(((await res.json()) as { url: string }).url).toBe(path);
    }
  });
});
