import { describe, expect, it } from "vitest";
import { RecentTraffic } from "./recent-traffic.ts";

function clock(start: number) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe("RecentTraffic", () => {
  it("counts requests and errors per route and target in the bucket of their time", () => {
    const { time, now } = clock(10_000);
    const traffic = new RecentTraffic({ bucketMs: 1000, buckets: 5, now });
    traffic.record("movies", "monolith", 200, 3);
    traffic.record("movies", "monolith", 503, 3);
    traffic.record("movies", "movies", "failed", 10);
    time.now = 11_500;
    traffic.record("movies", "monolith", 200, 3);
    const byTarget = Object.fromEntries(traffic.series().map((s) => [s.target, s.points.slice(-2).map(({ requests, errors }) => [requests, errors])]));
    expect(byTarget).toEqual({ monolith: [[2, 1], [1, 0]], movies: [[1, 1], [0, 0]] });
  });

  it("estimates p99 within one bin above the truth, and reports none for an empty bucket", () => {
    const { now } = clock(0);
    const traffic = new RecentTraffic({ bucketMs: 1000, buckets: 3, now });
    for (let i = 0; i < 99; i++) traffic.record("r", "t", 200, 2);
    traffic.record("r", "t", 200, 300);
    const [series] = traffic.series();
    const last = series!.points.at(-1)!;
    expect(last.p99).toBeGreaterThanOrEqual(2);
    expect(last.p99).toBeLessThanOrEqual(3);
    expect(series!.points[0]!.p99).toBeNull();
  });

  it("forgets a bucket once its slot comes round again, and keeps a fixed number of points", () => {
    const { time, now } = clock(0);
    const traffic = new RecentTraffic({ bucketMs: 1000, buckets: 3, now });
    traffic.record("r", "t", 200, 1);
    time.now = 3_000;
    traffic.record("r", "t", 200, 1);
    const points = traffic.series()[0]!.points;
    expect(points.map((p) => [p.at, p.requests])).toEqual([[1000, 0], [2000, 0], [3000, 1]]);
    expect(traffic.series(1000)[0]!.points).toHaveLength(1);
  });
});
