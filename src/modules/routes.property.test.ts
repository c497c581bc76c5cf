import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorReply } from "../contracts/error-reply.ts";
import { moduleApp } from "../roles/apps.ts";
import { EDGE_JSON, EDGE_URL_VALUES, hostileJson, hostileUrlValue } from "../testing/hostile-values.ts";
import { publishedOperations, type Operation } from "../testing/published-operations.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { forgedToken, TEST_KEYS } from "../testing/test-tokens.ts";
import { eventsModule } from "./events/index.ts";

// No input from a client is worth a 5xx. Every operation each app publishes in its OpenAPI document
// gets hostile queries, path segments and bodies; the reply must be 2xx or 4xx, a 4xx the one envelope
// in our words, and what was created must hold what was sent and read back the same.

/** A request for this operation: odd query values (some repeated), odd path segments, a body from the example with odd fields or none at all. */
function requests(op: Operation) {
  const names = [...op.query, "unknown"];
  const query = fc.array(fc.tuple(fc.constantFrom(...names), hostileUrlValue), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
  const path = hostileUrlValue.map((segment) => op.path.replace(/\{[^}]+\}/g, segment));
  const body = op.body
    ? fc.oneof(
        { weight: 6, arbitrary: exampleWithOddFields(op.body) },
        { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? "null") },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      )
    : fc.constant(undefined);
  return fc.record({ path, query, body });
}

/** The example body with up to two fields (or an unknown one) set to hostile values, and maybe one left out: the odd field then reaches the database. */
function exampleWithOddFields({ keys, example }: NonNullable<Operation["body"]>) {
  const odd = fc.dictionary(fc.constantFrom(...keys, "extra"), hostileJson, { maxKeys: 2 });
  return fc.tuple(odd, fc.subarray(keys, { maxLength: 1 })).map(([fields, dropped]) => {
    const body: Record<string, unknown> = { ...example, ...fields };
    for (const key of dropped) delete body[key];
    return JSON.stringify(body);
  });
}

const libraryWording = /Invalid input|expected .*received|Too (big|small)|Invalid Compact|JWS|JWT|Malformed|Unsupported Media/;

async function expectNo5xx(app: TestApp, method: string, url: string, body: string | undefined, headers: Record<string, string> = {}) {
  const reply = await app.call(method, url, body, headers);
  const what = `${method} ${url} ${body ?? ""}`.slice(0, 500);
  expect(reply.status, `${what} answered ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  if (reply.status >= 400) {
    const envelope = ErrorReply.safeParse(reply.body);
    expect(envelope.success, `${what} answered ${JSON.stringify(reply.body)}`).toBe(true);
    expect(envelope.data?.error).not.toMatch(libraryWording);
  }
  return reply;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const sameInstant = (a: string, b: string) => !Number.isNaN(Date.parse(a)) && Date.parse(a) === Date.parse(b);

/** A field of a created entity holds what was sent: the same number, the same text (or trimmed), the same instant. */
function expectEchoed(sent: unknown, answered: unknown) {
  if (!isObject(sent) || !isObject(answered) || typeof answered.id !== "number") return;
  for (const [key, value] of Object.entries(sent)) {
    const echoed = answered[key];
    // -0 is a number JSON can carry; the columns keep it as 0.
    if (typeof value === "number" && typeof echoed === "number") expect(echoed, key).toBe(value === 0 ? 0 : value);
    if (typeof value === "string" && typeof echoed === "string" && echoed !== value && echoed !== value.trim()) expect(sameInstant(value, echoed), `${key}: sent ${value}, answered ${echoed}`).toBe(true);
  }
}

/**
 * A 201 answers what was sent, and a POST whose path also reads by `?id=` reads back exactly as it was
 * answered (dates, text, amounts).
 */
async function expectReadBack(app: TestApp, ops: Operation[], op: Operation, body: string | undefined, reply: { status: number; body: unknown }) {
  if (op.method !== "POST" || reply.status !== 201) return;
  expectEchoed(JSON.parse(body!), reply.body);
  const readable = ops.some((o) => o.method === "GET" && o.path === op.path && o.query.includes("id"));
  const id = (reply.body as { id?: unknown }).id;
  if (!readable || typeof id !== "number") return;
  const read = await expectNo5xx(app, "GET", `${op.path}?id=${id}`, undefined);
  expect(read.body, `${op.path}?id=${id} after ${JSON.stringify(reply.body)}`).toEqual(reply.body);
}

// Registration and login hash with scrypt (tens of ms each), so they get fewer runs than the rest.
const runsOf = (op: Operation) => (op.path.startsWith("/api/auth/") ? 15 : 40);

const apps: Record<string, TestApp> = {};
beforeAll(async () => {
  [apps.monolith, apps.events] = await Promise.all([
    startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS }),
    startTestApp((p) => moduleApp(p, eventsModule)),
  ]);
  // User 1, so that the examples' user_id reaches the database with the odd field beside it.
  await apps.monolith.call("POST", "/api/users", { username: "john_doe", email: "john.doe@example.com" });
}, 60_000);
afterAll(() => Promise.all(Object.values(apps).map((a) => a.close())));

const operations = async (app: TestApp) => {
  const ops = publishedOperations((await app.call("GET", "/openapi.json")).body).filter((op) => op.body || op.query.length > 0 || op.path.includes("{"));
  expect(ops.length).toBeGreaterThan(0);
  return ops;
};

describe.each(["monolith", "events"])("the %s app, for every operation it publishes", (name) => {
  it("answers 2xx or 4xx, and keeps what it accepts, with each edge value in each body field, query parameter and path segment", async () => {
    const app = apps[name]!;
    const ops = await operations(app);
    for (const op of ops) {
      const path = op.path.replace(/\{[^}]+\}/g, "1");
      const bodies = (op.body?.keys ?? []).flatMap((key) => EDGE_JSON.map((value) => JSON.stringify({ ...op.body!.example, [key]: value })));
      const urls = [
        ...op.query.flatMap((key) => EDGE_URL_VALUES.map((value) => `${path}?${key}=${value}`)),
        ...(op.path.includes("{") ? EDGE_URL_VALUES.map((value) => op.path.replace(/\{[^}]+\}/g, value)) : []),
      ];
      // All at once: a server must take concurrent requests anyway, and the password hashes then share the thread pool.
      await Promise.all([
        ...bodies.map(async (body) => expectReadBack(app, ops, op, body, await expectNo5xx(app, op.method, path, body))),
        ...urls.map((url) => expectNo5xx(app, op.method, url, undefined)),
      ]);
    }
    // What was stored must read back too, as a list.
    for (const op of ops) if (op.method === "GET" && !op.path.includes("{")) await expectNo5xx(app, "GET", op.path, undefined);
    // A bound, not a speed claim: every value of every operation (the list grows with the API) on a shared machine.
  }, 120_000);

  it("answers 2xx or 4xx, and keeps what it accepts, for any query, path and body", async () => {
    const app = apps[name]!;
    const ops = await operations(app);
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requests(op), async ({ path, query, body }) => {
          await expectReadBack(app, ops, op, body, await expectNo5xx(app, op.method, query ? `${path}?${query}` : path, body));
        }),
        { numRuns: runsOf(op) },
      );
    }
  });
});

describe("GET /api/auth/me", () => {
  const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
  it("answers 200 or 401 to any bearer credential: junk, or a well-signed token with any subject", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(printable, fc.oneof(fc.string({ maxLength: 12 }), hostileUrlValue).map((sub) => ({ sub }))), async (credential) => {
        const token = typeof credential === "string" ? credential : await forgedToken(credential);
        const reply = await expectNo5xx(apps.monolith!, "GET", "/api/auth/me", undefined, { authorization: `Bearer ${token}` });
        expect([200, 401]).toContain(reply.status);
      }),
      { numRuns: 60 },
    );
  });
});
