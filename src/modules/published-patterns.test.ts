import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moduleApp } from "../roles/apps.ts";
import { publishedOperations } from "../testing/published-operations.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { TEST_KEYS } from "../testing/test-tokens.ts";
import { eventsModule } from "./events/index.ts";

// A published `pattern` is a promise: a value outside it is refused. Fuzzers hold us to it (schemathesis
// sends a value its pattern refuses and fails the run on a 2xx), so every text field of every body
// gets the example's value with what a client plausibly adds around it: whitespace the server trims,
// a character the pattern may not allow. Whatever the server takes must match the published pattern.

/** The example's value and the near misses sent in its place; whitespace first, while nothing taken blocks it. */
const variants = (value: string) => [` ${value}`, `${value}\n`, `\u3000${value}\t`, `${value}*`, `*${value}`, value];

// A 409 is taken too: the value passed validation, and only uniqueness refused it.
const taken = (status: number) => (status >= 200 && status < 300) || status === 409;

const apps: Record<string, TestApp> = {};
beforeAll(async () => {
  [apps.monolith, apps.events] = await Promise.all([
    startTestApp(undefined, { AUTH_JWT_KEYS: TEST_KEYS }),
    startTestApp((p) => moduleApp(p, eventsModule)),
  ]);
}, 60_000);
afterAll(() => Promise.all(Object.values(apps).map((a) => a.close())));

describe.each(["monolith", "events"])("the %s app's published patterns", (name) => {
  it("take only values that match them", async () => {
    const app = apps[name]!;
    const ops = publishedOperations((await app.call("GET", "/openapi.json")).body).filter((op) => op.body && Object.keys(op.body.patterns).length > 0);
    let checked = 0;
    for (const op of ops) {
      const path = op.path.replace(/\{[^}]+\}/g, "1");
      for (const [key, pattern] of Object.entries(op.body!.patterns)) {
        const example = op.body!.example[key];
        if (typeof example !== "string") continue;
        for (const value of variants(example)) {
          const reply = await app.call(op.method, path, { ...op.body!.example, [key]: value });
          if (!taken(reply.status)) continue;
          checked++;
          expect(new RegExp(pattern, "u").test(value), `${op.method} ${op.path} took ${key} ${JSON.stringify(value)} (${reply.status}) outside its pattern ${pattern}`).toBe(true);
        }
      }
    }
    // Otherwise the test would check nothing: some near misses must be taken (trimmed whitespace, at least).
    expect(checked).toBeGreaterThan(0);
  });
});
