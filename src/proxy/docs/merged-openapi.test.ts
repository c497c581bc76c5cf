import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunningRole } from "../../roles/run-role.ts";
import { startTestRole } from "../../testing/test-platform.ts";

const Document = z.object({
  info: z.object({ title: z.string() }),
  paths: z.record(z.string(), z.unknown()),
  components: z.object({ schemas: z.record(z.string(), z.unknown()) }),
});

let running: RunningRole[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

describe("the gateway's OpenAPI document", () => {
  it("merges the documents of every route it fronts, with its own health, and serves /docs", async () => {
    const role = await startTestRole("all-in-one");
    running.push(role);
    const gateway = `http://127.0.0.1:${role.ports.gateway}`;
    const doc = Document.parse(await (await fetch(`${gateway}/openapi.json`)).json());
    expect(doc.info.title).toBe("CinemaAbyss gateway");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/health", "/api/users", "/api/movies", "/api/movies/{id}", "/api/payments", "/api/subscriptions", "/api/auth/login", "/api/events/movie"]),
    );
    expect(Object.keys(doc.paths)).not.toContain("/openapi.json");
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Movie", "User", "Error"]));
    const docs = await fetch(`${gateway}/docs`);
    expect(docs.headers.get("content-type")).toContain("text/html");
  });

  it("leaves out the routes of a target that does not answer, and still answers", async () => {
    const movies = await startTestRole("movies");
    running.push(movies);
    const gateway = await startTestRole("proxy", { MONOLITH_URL: "http://127.0.0.1:1", MOVIES_SERVICE_URL: `http://127.0.0.1:${movies.ports.movies}` });
    running.push(gateway);
    const doc = Document.parse(await (await fetch(`http://127.0.0.1:${gateway.ports.gateway}/openapi.json`)).json());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health", "/api/movies", "/api/movies/{id}"]));
    expect(Object.keys(doc.paths)).not.toContain("/api/users");
  });
});
