import { afterEach, describe, expect, it } from "vitest";
import { probeRoutes } from "../http-server/probes/probe-routes.ts";
import { FakeUpstream } from "../../testing/fake-upstream.ts";
import { remoteAnswered, remoteChecks } from "./remote-readiness.ts";

const upstreams: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((u) => u.kill()));
});

async function upstream(name: string): Promise<FakeUpstream> {
  const started = await new FakeUpstream(name).start();
  upstreams.push(started);
  return started;
}

async function ready(app: ReturnType<typeof probeRoutes>) {
  const res = await app.request("/ready");
  return { status: res.status, body: await res.json() };
}

describe("readiness of a remote service", () => {
  it("is down while the service refuses, up once it answers, and stays up through a later outage", async () => {
    const movies = await upstream("movies");
    await movies.kill();
    const app = probeRoutes({ database: async () => true, "movies-service": remoteAnswered(movies.url) });

    expect(await ready(app)).toEqual({ status: 503, body: { status: "not ready", checks: { database: "up", "movies-service": "down" } } });
    await movies.start();
    expect(await ready(app)).toEqual({ status: 200, body: { status: "ready", checks: { database: "up", "movies-service": "up" } } });
    await movies.kill();
    expect((await ready(app)).status).toBe(200);
  });

  it("is down while the service answers with an error, or not at all in time", async () => {
    const failing = await upstream("failing");
    failing.mode = "fail";
    const silent = await upstream("silent");
    silent.mode = "slow";
    const started = Date.now();
    expect(await remoteAnswered(failing.url)()).toBe(false);
    expect(await remoteAnswered(silent.url, { timeoutMs: 200 })()).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("is asked of every port placed on a remote service, once per URL", async () => {
    const payments = await upstream("payments");
    const checks = remoteChecks({ users: "in-process", payments: payments.url, subscriptions: payments.url });
    expect(Object.keys(checks)).toEqual(["payments-service", "subscriptions-service"]);
    expect(checks["payments-service"]).toBe(checks["subscriptions-service"]);
    expect(await checks["payments-service"]!()).toBe(true);
    expect(payments.seen.map((r) => r.url)).toEqual(["/live"]);
  });
});
