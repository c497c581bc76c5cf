import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routingPoint } from "./routing/choose-target.ts";
import { expectError } from "../testing/expect-reply.ts";
import { readReply } from "../testing/reply.ts";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";
import { forgedToken, TEST_KEYS, unsignedToken } from "../testing/test-tokens.ts";

// Identity at the gateway, over real HTTP with fake upstreams.
describe("the gateway with legacy routes open (default)", () => {
  let g: TestGateway;
  beforeAll(async () => void (g = await startTestGateway({ AUTH_JWT_KEYS: TEST_KEYS, MOVIES_MIGRATION_PERCENT: "50" })));
  afterAll(() => g.stop());

  it("passes the caller's Authorization upstream unchanged (the upstream verifies it) and no X-User-Id", async () => {
    const token = await forgedToken({ sub: "42" });
    const res = await fetch(`${g.url}/api/users`, { headers: { authorization: `Bearer ${token}`, "x-user-id": "999" } });
    expect(res.status).toBe(200);
    expect(g.monolith.seen.at(-1)!.headers["x-user-id"]).toBeUndefined();
    expect(g.monolith.seen.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
  });

  it.each([
    ["expired", () => forgedToken({ sub: "42", exp: Math.floor(Date.now() / 1000) - 5 })],
    ["wrong audience", () => forgedToken({ sub: "42", aud: "other" })],
    ["unsigned", async () => unsignedToken("42")],
    ["garbage", async () => "not.a.jwt"],
  ])("answers 401 for a %s token and calls no upstream", async (_what, make) => {
    const before = g.monolith.seen.length + g.movies.seen.length;
    const res = await fetch(`${g.url}/api/users`, { headers: { authorization: `Bearer ${await make()}` } });
    expectError(await readReply(res), 401, "UNAUTHORIZED", expect.stringContaining("bearer token refused"));
    expect(g.monolith.seen.length + g.movies.seen.length).toBe(before);
  });

  it("keeps the legacy routes open without a token, and never passes a caller-sent X-User-Id as identity", async () => {
    const res = await fetch(`${g.url}/api/movies`, { headers: { "x-user-id": "7" } });
    expect(res.status).toBe(200);
    const seen = (res.headers.get("x-served-by") === "monolith" ? g.monolith : g.movies).seen.at(-1)!;
    expect(seen.headers["x-user-id"]).toBeUndefined();
  });

  it("routes by the token's subject: a user keeps its target, the one its id's point gives", async () => {
    for (const sub of ["11", "12", "13", "14", "15", "16"]) {
      const token = await forgedToken({ sub });
      const served = new Set<string | null>();
      for (let i = 0; i < 20; i++) served.add((await fetch(`${g.url}/api/movies`, { headers: { authorization: `Bearer ${token}` } })).headers.get("x-served-by"));
      expect(served.size).toBe(1);
      expect([...served][0]).toBe(routingPoint(sub) < 50 ? "movies-service" : "monolith");
    }
  });
});

describe("the gateway with enforcement on for /api/movies", () => {
  let g: TestGateway;
  beforeAll(async () => void (g = await startTestGateway({ AUTH_JWT_KEYS: TEST_KEYS, GATEWAY_REQUIRE_AUTH: "movies" })));
  afterAll(() => g.stop());

  it("answers 401 without a token on an enforced route, and lets other routes through", async () => {
    expectError(await readReply(await fetch(`${g.url}/api/movies`)), 401, "UNAUTHORIZED", "/api/movies requires a bearer token");
    expect((await fetch(`${g.url}/api/users`)).status).toBe(200);
    const token = await forgedToken({ sub: "5" });
    expect((await fetch(`${g.url}/api/movies`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
