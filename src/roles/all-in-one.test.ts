import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRole } from "../testing/test-platform.ts";
import type { RunningRole } from "./run-role.ts";

// Over real HTTP on 127.0.0.1: the two legacy ports of one all-in-one process share one database.
describe("all-in-one role", () => {
  let role: RunningRole;
  let monolith: string;
  let movies: string;
  beforeAll(async () => {
    role = await startTestRole("all-in-one");
    monolith = `http://127.0.0.1:${role.ports.monolith}`;
    movies = `http://127.0.0.1:${role.ports.movies}`;
  });
  afterAll(() => role.stop());

  it("answers both legacy health checks on both ports", async () => {
    for (const base of [monolith, movies]) {
      for (const path of ["/health", "/api/movies/health"]) {
        const res = await fetch(`${base}${path}`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ status: true });
      }
    }
  });

  it("reads on the movies port a movie created on the monolith port, and the other way round", async () => {
    const post = (base: string, title: string) =>
      fetch(`${base}/api/movies`, { method: "POST", body: JSON.stringify({ title, description: "d", genres: ["Drama"], rating: 7 }) });
    const a: any = await (await post(monolith, "Made on 8080")).json();
    const b: any = await (await post(movies, "Made on 8081")).json();
    expect(await (await fetch(`${movies}/api/movies/${a.id}`)).json()).toEqual(a);
    expect(await (await fetch(`${monolith}/api/movies?id=${b.id}`)).json()).toEqual(b);
  });

  it("answers the Kubernetes probes on every port", async () => {
    for (const name of ["monolith", "movies", "events", "gateway"]) {
      const base = `http://127.0.0.1:${role.ports[name]}`;
      expect(await (await fetch(`${base}/live`)).json()).toEqual({ status: "live" });
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
    }
    const ready: any = await (await fetch(`${monolith}/ready`)).json();
    expect(ready).toEqual({ status: "ready", checks: { database: "up", broker: "up" } });
  });

  it("serves users, payments and subscriptions on the monolith port only", async () => {
    expect((await fetch(`${monolith}/api/users`)).status).toBe(200);
    expect((await fetch(`${monolith}/api/subscriptions`)).status).toBe(200);
    const res = await fetch(`${movies}/api/users`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("serves an OpenAPI document generated from the contracts, and interactive docs, on each port", async () => {
    const doc: any = await (await fetch(`${monolith}/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/health", "/api/users", "/api/movies", "/api/movies/{id}", "/api/payments", "/api/subscriptions"]),
    );
    expect(doc.components.schemas.Movie.required).toEqual(["id", "title", "description", "genres", "rating"]);
    const moviesDoc: any = await (await fetch(`${movies}/openapi.json`)).json();
    expect(Object.keys(moviesDoc.paths)).not.toContain("/api/users");
    const docs = await fetch(`${movies}/docs`);
    expect(docs.headers.get("content-type")).toContain("text/html");
    expect(await docs.text()).toContain("/openapi.json");
  });

  it("opens the gateway too, proxying to the in-process apps with no network hop", async () => {
    const gateway = `http://127.0.0.1:${role.ports.gateway}`;
    expect(await (await fetch(`${gateway}/health`)).text()).toBe("Strangler Fig Proxy is healthy");
    const created = await fetch(`${gateway}/api/users`, { method: "POST", body: JSON.stringify({ username: "via_gateway", email: "via@gateway.example" }) });
    expect(created.status).toBe(201);
    expect(created.headers.get("x-served-by")).toBe("monolith");
    const user: any = await created.json();
    expect(await (await fetch(`${monolith}/api/users?id=${user.id}`)).json()).toEqual(user);
    const movies = await fetch(`${gateway}/api/movies?limit=1`);
    expect(movies.headers.get("x-served-by")).toBe("monolith");
    expect(await movies.json()).toHaveLength(1);
  });

  it("answers the events API on its own port and through the gateway, with the embedded log", async () => {
    const events = `http://127.0.0.1:${role.ports.events}`;
    expect(await (await fetch(`${events}/api/events/health`)).json()).toEqual({ status: true });
    const res = await fetch(`${events}/api/events/movie`, { method: "POST", body: JSON.stringify({ movie_id: 3, title: "Heat", action: "viewed" }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "success", event: { type: "movie", payload: { movie_id: 3 } } });
    const viaGateway = await fetch(`http://127.0.0.1:${role.ports.gateway}/api/events/health`);
    expect(viaGateway.headers.get("x-served-by")).toBe("events-service");
    expect(await viaGateway.json()).toEqual({ status: true });
  });

  it("carries a request id given by the caller into the reply", async () => {
    const res = await fetch(`${monolith}/api/users?id=999999`, { headers: { "x-request-id": "trace-abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc-123");
    expect(await res.json()).toMatchObject({ requestId: "trace-abc-123", code: "NOT_FOUND" });
  });
});

describe("all-in-one role with the movies migration finished", () => {
  it("serves /api/movies through the gateway from the in-process movies service", async () => {
    const role = await startTestRole("all-in-one", { GRADUAL_MIGRATION: "false" });
    try {
      const res = await fetch(`http://127.0.0.1:${role.ports.gateway}/api/movies/health`);
      expect(res.headers.get("x-served-by")).toBe("movies-service");
      expect(await res.json()).toEqual({ status: true });
    } finally {
      await role.stop();
    }
  });
});
