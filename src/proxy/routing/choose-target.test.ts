import { describe, expect, it } from "vitest";
import { chooseSide, routingPoint } from "./choose-target.ts";
import type { RouteDefinition } from "./route-table.ts";

const movies = (percent: number, gradual = true): RouteDefinition => ({
  name: "movies",
  prefixes: ["/api/movies"],
  legacy: "monolith",
  service: "movies-service",
  percent,
  gradual,
});
const keys = Array.from({ length: 2000 }, (_, i) => `user-${i}`);

describe("chooseSide", () => {
  it("is exact at 0 and 100 percent, keyed or not", () => {
    for (const key of [...keys.slice(0, 200), undefined]) {
      expect(chooseSide(movies(0), key)).toBe("legacy");
      expect(chooseSide(movies(100), key)).toBe("service");
    }
  });

  it("sends everything to the service when the migration is finished (gradual false), whatever the percent", () => {
    expect(keys.slice(0, 100).every((k) => chooseSide(movies(0, false), k) === "service")).toBe(true);
  });

  it("keeps a route without a service on its legacy target", () => {
    const users: RouteDefinition = { name: "users", prefixes: ["/api/users"], legacy: "monolith", percent: 100, gradual: false };
    expect(chooseSide(users, "user-1")).toBe("legacy");
  });

  it("is monotone: every key on the service at 20 percent is still there at 50 and at 90", () => {
    const at = (p: number) => new Set(keys.filter((k) => chooseSide(movies(p), k) === "service"));
    const [twenty, fifty, ninety] = [at(20), at(50), at(90)];
    expect(twenty.size).toBeGreaterThan(0);
    for (const k of twenty) expect(fifty.has(k)).toBe(true);
    for (const k of fifty) expect(ninety.has(k)).toBe(true);
  });

  it("spreads keys evenly: each decile of points holds about a tenth of the keys", () => {
    const deciles = new Array(10).fill(0);
    for (const k of keys) deciles[Math.floor(routingPoint(k) / 10)]++;
    // 2000 keys, expected 200 per decile, sigma about 13.4: 4 sigma either way.
    for (const n of deciles) expect(Math.abs(n - 200)).toBeLessThan(54);
  });

  it("uses the random source for keyless requests: points below the percent go to the service", () => {
    expect(chooseSide(movies(30), undefined, () => 0.29)).toBe("service");
    expect(chooseSide(movies(30), undefined, () => 0.3)).toBe("legacy");
  });
});
