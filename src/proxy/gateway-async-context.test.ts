import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asyncContextEntries } from "../adapters/request-context/request-context.ts";
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from "../testing/test-gateway.ts";
import { forgedToken, TEST_KEYS } from "../testing/test-tokens.ts";

// Once any request enters the async context, every promise of the process pays AsyncLocalStorage's
// hooks: measured, a fifth of the proxy role's throughput. A probe or a scrape is enough to do it.
describe("the proxy role", () => {
  let g: TestGateway;
  // Counted from here: with isolate off, files before this one in the worker may have entered it.
  let before: number;
  beforeAll(async () => {
    before = asyncContextEntries();
    g = await startTestGateway({ AUTH_JWT_KEYS: TEST_KEYS, MOVIES_MIGRATION_PERCENT: "50" });
  });
  afterAll(() => g.stop());

  it("never enters the async request context: not for probes, docs, proxied calls, scrapes or the admin API", async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const token = await forgedToken({ sub: "42" });
    const calls: [string, RequestInit?][] = [
      [`${g.url}/health`],
      [`${g.url}/live`],
      [`${g.url}/ready`],
      [`${g.url}/openapi.json`],
      [`${g.url}/api/movies`],
      [`${g.url}/api/movies`, { headers: { authorization: `Bearer ${token}` } }],
      [`${g.url}/api/movies`, { headers: { authorization: "Bearer refused" } }],
      [`${g.url}/api/movies`, { method: "POST", body: '{"title":"Heat"}', headers: { "content-type": "application/json" } }],
      [`${g.url}/no-such-route`],
      [`${g.adminUrl}/metrics`],
      [`${g.adminUrl}/admin/routes`, { headers: admin }],
      [`${g.adminUrl}/admin/routes`],
    ];
    const statuses = [];
    for (const [url, init] of calls) {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect((await g.reweight("movies", { percent: 20 })).status).toBe(200);
    // Each was served (not refused before its pipeline ran), so each went through an app or the edge.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 401, 200, 404, 200, 200, 401]);
    expect(asyncContextEntries() - before).toBe(0);
  });
});
