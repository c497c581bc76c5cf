import { z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, expectReply } from "../../testing/expect-reply.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { Movie } from "./movies.contract.ts";

let t: TestApp;
beforeAll(async () => void (t = await startTestApp()));
afterAll(() => t.close());

const inception = { title: "Inception", description: "Dreams within dreams", genres: ["Sci-Fi"], rating: 8.8 };
const allMovies = async () => expectReply(await t.call("GET", "/api/movies"), 200, z.array(Movie));

describe("POST /api/movies with text the database cannot keep as sent", () => {
  it.each([
    ["a NUL in the title", { title: "Incep\u0000tion" }, "title: must not contain the NUL character (U+0000)"],
    ["a NUL in the description", { description: "dreams\u0000" }, "description: must not contain the NUL character (U+0000)"],
    ["a NUL in a genre", { genres: ["Sci-Fi", "\u0000"] }, "genres.1: must not contain the NUL character (U+0000)"],
    ["an unpaired surrogate in the title", { title: "Incep\ud800tion" }, "title: must be valid Unicode (no unpaired surrogate)"],
    ["an unpaired low surrogate in the description", { description: "\udc00" }, "description: must be valid Unicode (no unpaired surrogate)"],
    ["a title of whitespace only", { title: " \t\u3000 " }, "title: must not be empty"],
  ])("answers 400 for %s, naming the field, and creates nothing", async (_what, fields, message) => {
    const before = (await allMovies()).length;
    expectError(await t.call("POST", "/api/movies", { ...inception, ...fields }), 400, "INVALID_INPUT", message);
    expect(await allMovies()).toHaveLength(before);
  });

  it("keeps text outside the Basic Multilingual Plane exactly (a surrogate pair is not refused)", async () => {
    const movie = expectReply(await t.call("POST", "/api/movies", { ...inception, title: "🎬 Inception", genres: ["𝔖𝔠𝔦-𝔉𝔦"] }), 201, Movie);
    expect(expectReply(await t.call("GET", `/api/movies/${movie.id}`), 200, Movie)).toEqual({ ...movie, title: "🎬 Inception", genres: ["𝔖𝔠𝔦-𝔉𝔦"] });
  });
});

describe("GET /api/movies with ids and pages beyond the integer column", () => {
  it.each(["/api/movies?id=99999999999", "/api/movies/99999999999", "/api/movies?id=1e3", "/api/movies?limit=99999999999999999999", "/api/movies?offset=-1"])(
    "answers 400 for %s",
    async (path) => {
      expectError(await t.call("GET", path), 400, "INVALID_INPUT");
    },
  );

  it("answers 400 in words of its own for a repeated query parameter", async () => {
    expectError(await t.call("GET", "/api/movies?id=1&id=2"), 400, "INVALID_INPUT", "id: must be a string");
  });
});
