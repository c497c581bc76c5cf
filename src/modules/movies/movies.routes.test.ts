import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

const inception = { title: "Inception", description: "Dreams within dreams", genres: ["Sci-Fi", "Action"], rating: 8.8 };

describe("POST /api/movies", () => {
  it("answers 201 with the movie, genres as an array in the given order", async () => {
    const reply = await t.call("POST", "/api/movies", inception);
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ id: expect.any(Number), ...inception });
    expect(Object.keys(reply.body)).toEqual(["id", "title", "description", "genres", "rating"]);
  });

  it("takes a movie without genres (the contract does not require them) and drops repeated genres", async () => {
    const bare = await t.call("POST", "/api/movies", { title: "Bare", description: "", rating: 0 });
    expect(bare.status).toBe(201);
    expect(bare.body.genres).toEqual([]);
    const repeated = await t.call("POST", "/api/movies", { ...inception, genres: ["Drama", "Drama", "Noir"] });
    expect(repeated.body.genres).toEqual(["Drama", "Noir"]);
  });

  it.each([
    ["a rating above 10", { ...inception, rating: 10.01 }, "rating: must be at most 10"],
    ["a negative rating", { ...inception, rating: -1 }, "rating: must be at least 0"],
    ["a rating as a string", { ...inception, rating: "8" }, "rating: must be a number"],
    ["no title", { description: "d", rating: 5 }, "title: is required"],
    ["genres as a string", { ...inception, genres: "Drama" }, "genres: must be an array of strings"],
    ["a number among genres", { ...inception, genres: ["Drama", 4] }, "genres.1: must be strings"],
  ])("answers 400 for %s and creates nothing", async (_what, body, message) => {
    const before = (await t.call("GET", "/api/movies")).body.length;
    const reply = await t.call("POST", "/api/movies", body);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toContain(message);
    expect((await t.call("GET", "/api/movies")).body).toHaveLength(before);
  });
});

describe("GET /api/movies", () => {
  it("reads one movie by ?id= and by /api/movies/{id}", async () => {
    const created = (await t.call("POST", "/api/movies", inception)).body;
    expect((await t.call("GET", `/api/movies?id=${created.id}`)).body).toEqual(created);
    expect((await t.call("GET", `/api/movies/${created.id}`)).body).toEqual(created);
  });

  it("answers 404 for a missing id and 400 for a non-numeric one, on both forms", async () => {
    expect((await t.call("GET", "/api/movies?id=777777")).status).toBe(404);
    expect((await t.call("GET", "/api/movies/777777")).body.error).toBe("movie 777777 not found");
    expect((await t.call("GET", "/api/movies/abc")).body).toMatchObject({ code: "INVALID_INPUT", error: expect.stringMatching(/^id: /) });
    expect((await t.call("GET", "/api/movies?id=x")).status).toBe(400);
  });

  it("reads a list with the same number of queries whatever its length", async () => {
    const countQueries = async (path: string) => {
      t.queries.length = 0;
      const reply = await t.call("GET", path);
      expect(reply.status).toBe(200);
      return { rows: reply.body.length as number, queries: t.queries.length };
    };
    const small = await countQueries("/api/movies?limit=1");
    for (let i = 0; i < 5; i++) await t.call("POST", "/api/movies", { ...inception, title: `Sequel ${i}` });
    const large = await countQueries("/api/movies");
    expect(large.rows).toBeGreaterThan(small.rows + 4);
    expect(large.queries).toBe(small.queries);
  });

  it("pages in id order with genres on every movie", async () => {
    const all = (await t.call("GET", "/api/movies")).body as { id: number; genres: string[] }[];
    expect(all.every((m) => Array.isArray(m.genres))).toBe(true);
    expect((await t.call("GET", "/api/movies?limit=3&offset=2")).body).toEqual(all.slice(2, 5));
  });

  it("answers the movies health check with the legacy body", async () => {
    const reply = await t.call("GET", "/api/movies/health");
    expect(reply).toMatchObject({ status: 200, body: { status: true } });
  });

  it("answers 405 on /api/movies/{id} for POST", async () => {
    const reply = await t.call("POST", "/api/movies/1", inception);
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET, HEAD");
  });
});
