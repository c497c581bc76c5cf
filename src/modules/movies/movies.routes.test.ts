import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Health } from "../../contracts/health.ts";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { Movie } from "./movies.contract.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

const inception = { title: "Inception", description: "Dreams within dreams", genres: ["Sci-Fi", "Action"], rating: 8.8 };
const Movies = z.array(Movie);
const allMovies = async () => expectReply(await t.call("GET", "/api/movies"), 200, Movies);

describe("POST /api/movies", () => {
  it("answers 201 with the movie, genres as an array in the given order", async () => {
    const reply = await t.call("POST", "/api/movies", inception);
    const movie = expectReply(reply, 201, Movie);
    expect(movie).toEqual({ id: expect.any(Number), ...inception });
    expect(Object.keys(reply.body as Movie)).toEqual(["id", "title", "description", "genres", "rating"]);
  });

  it("takes a movie without genres (the contract does not require them) and drops repeated genres", async () => {
    const bare = expectReply(await t.call("POST", "/api/movies", { title: "Bare", description: "", rating: 0 }), 201, Movie);
    expect(bare).toEqual({ id: expect.any(Number), title: "Bare", description: "", genres: [], rating: 0 });
    const repeated = expectReply(await t.call("POST", "/api/movies", { ...inception, genres: ["Drama", "Drama", "Noir"] }), 201, Movie);
    expect(repeated.genres).toEqual(["Drama", "Noir"]);
  });

  it.each([
    ["a rating above 10", { ...inception, rating: 10.01 }, "rating: must be at most 10"],
    ["a negative rating", { ...inception, rating: -1 }, "rating: must be at least 0"],
    ["a rating as a string", { ...inception, rating: "8" }, "rating: must be a number"],
    ["no title", { description: "d", rating: 5 }, "title: is required"],
    ["genres as a string", { ...inception, genres: "Drama" }, "genres: must be an array of strings"],
    ["a number among genres", { ...inception, genres: ["Drama", 4] }, "genres.1: must be a string"],
  ])("answers 400 for %s and creates nothing", async (_what, body, message) => {
    const before = (await allMovies()).length;
    expectError(await t.call("POST", "/api/movies", body), 400, "INVALID_INPUT", expect.stringContaining(message));
    expect(await allMovies()).toHaveLength(before);
  });
});

describe("GET /api/movies", () => {
  it("reads one movie by ?id= and by /api/movies/{id}", async () => {
    const created = expectReply(await t.call("POST", "/api/movies", inception), 201, Movie);
    expect(expectReply(await t.call("GET", `/api/movies?id=${created.id}`), 200, Movie)).toEqual(created);
    expect(expectReply(await t.call("GET", `/api/movies/${created.id}`), 200, Movie)).toEqual(created);
  });

  it("answers 404 for a missing id and 400 for a non-numeric one, on both forms", async () => {
    expectError(await t.call("GET", "/api/movies?id=777777"), 404, "NOT_FOUND", "movie 777777 not found");
    expectError(await t.call("GET", "/api/movies/777777"), 404, "NOT_FOUND", "movie 777777 not found");
    expectError(await t.call("GET", "/api/movies/abc"), 400, "INVALID_INPUT", expect.stringMatching(/^id: /));
    expectError(await t.call("GET", "/api/movies?id=x"), 400, "INVALID_INPUT", expect.stringMatching(/^id: /));
  });

  it("reads a list with the same number of queries whatever its length", async () => {
    const countQueries = async (path: string) => {
      t.queries.length = 0;
      const movies = expectReply(await t.call("GET", path), 200, Movies);
      // Only the reads of movies: the outbox relay and the events consumer query the same database meanwhile.
      return { rows: movies.length, queries: t.queries.filter((q) => q.includes('"movies"."movie')).length };
    };
    const small = await countQueries("/api/movies?limit=1");
    for (let i = 0; i < 5; i++) await t.call("POST", "/api/movies", { ...inception, title: `Sequel ${i}` });
    const large = await countQueries("/api/movies");
    expect(large.rows).toBeGreaterThan(small.rows + 4);
    expect(large.queries).toBe(small.queries);
  });

  it("pages in id order with genres on every movie", async () => {
    const all = await allMovies();
    expect(all.map((m) => m.id)).toEqual(all.map((m) => m.id).sort((a, b) => a - b));
    expect(expectReply(await t.call("GET", "/api/movies?limit=3&offset=2"), 200, Movies)).toEqual(all.slice(2, 5));
  });

  it("answers the movies health check with the legacy body", async () => {
    expect(expectReply(await t.call("GET", "/api/movies/health"), 200, Health)).toEqual({ status: true });
  });

  it("answers 405 on /api/movies/{id} for POST", async () => {
    const reply = await t.call("POST", "/api/movies/1", inception);
    expectError(reply, 405, "METHOD_NOT_ALLOWED", "POST is not allowed on /api/movies/1; allowed: GET, HEAD");
    expect(reply.headers.get("allow")).toBe("GET, HEAD");
  });
});
