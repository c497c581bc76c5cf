import { createServer, type RequestListener, type Server } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolesOf, type Listener } from "../../roles/roles.ts";
import { listenOnLoopback } from "../../testing/listen-on-loopback.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";

// The events role's own listener, served twice: with its edge in front of its app (as the role
// serves it) and by its app alone. The same request must get the same answer either way.
let t: TestPlatform;
let listener: Listener;
const servers: Server[] = [];
let passedOn = 0;
let withEdge: number;
let appAlone: number;
beforeAll(async () => {
  t = await startTestPlatform();
  const { config, log, metrics } = t.platform;
  listener = rolesOf(config).events!.listeners({ config, log, platform: t.platform, metrics })[0]!;
  expect(listener.name).toBe("events");
  const app = getRequestListener(listener.app.fetch);
  const counted: RequestListener = (req, res) => (passedOn++, app(req, res));
  const listen = async (handler: RequestListener) => {
    const server = createServer(handler);
    servers.push(server);
    return listenOnLoopback(server, 0);
  };
  withEdge = await listen(listener.edge!(counted));
  appAlone = await listen(app);
}, 60_000);
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await listener?.close?.();
  await t?.close();
});

const post = async (port: number, type: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/events/${type}`, { method: "POST", body, headers: { ...headers, "x-request-id": "edge-test" } });
  const reply = (await res.json()) as Record<string, unknown>;
  // Each publish gets its own event id, time and offset; the rest must match.
  const event = reply.event as Record<string, unknown> | undefined;
  const same = event ? { ...reply, offset: typeof reply.offset, event: { ...event, id: typeof event.id, timestamp: typeof event.timestamp } } : reply;
  return { status: res.status, type: res.headers.get("content-type"), requestId: res.headers.get("x-request-id"), reply: same };
};

const bodies: [string, unknown][] = [
  ["movie", { movie_id: 42, title: "Inception", action: "viewed", user_id: 7, rating: 8.5, genres: ["Sci-Fi", "Action"] }],
  ["user", { user_id: 7, username: "ann", action: "logged_in", timestamp: "2023-01-15T14:30:00Z" }],
  ["payment", { payment_id: 3, user_id: 7, amount: 9.99, status: "completed", timestamp: "2023-01-15T14:30:00Z" }],
  ["movie", { movie_id: 0, title: "", action: "viewed", rating: 11 }],
  ["user", { user_id: 7, action: "logged_in", timestamp: "yesterday" }],
  ["payment", { payment_id: 3, user_id: 7, amount: -1, status: "completed" }],
  ["movie", "not an object"],
  ["user", []],
];

describe("the events service's edge", () => {
  it.each(bodies)("answers POST /api/events/%s with %j as its app does, and serves it itself", async (type, body) => {
    const before = passedOn;
    const [atEdge, inApp] = [await post(withEdge, type, JSON.stringify(body)), await post(appAlone, type, JSON.stringify(body))];
    expect(passedOn).toBe(before);
    expect(atEdge).toEqual(inApp);
    expect(atEdge.requestId).toBe("edge-test");
  });

  it("answers a legacy form-encoded body (curl -d) and malformed JSON as its app does", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect(await post(withEdge, "movie", JSON.stringify(bodies[0]![1]), form)).toEqual(await post(appAlone, "movie", JSON.stringify(bodies[0]![1]), form));
    expect(await post(withEdge, "movie", "{")).toEqual(await post(appAlone, "movie", "{"));
  });

  it("hands the rest of the service to its app: health, docs, and paths it does not serve", async () => {
    const before = passedOn;
    for (const path of ["/api/events/health", "/openapi.json"]) expect((await fetch(`http://127.0.0.1:${withEdge}${path}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${withEdge}/api/events/film`, { method: "POST", body: "{}" })).status).toBe(404);
    expect(passedOn).toBe(before + 3);
  });
});
