import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../contracts/app-error.ts";
import { implementationsOf } from "../../testing/port-implementations.ts";
import { MOVIES_API, MoviesClient, type MoviesApi } from "./index.ts";

describe.each(implementationsOf(MOVIES_API, "movies", "movies", (http) => new MoviesClient(http)))("MoviesApi (%s)", (_name, start) => {
  let api: MoviesApi;
  let close: () => Promise<void>;
  beforeAll(async () => ({ api, close } = await start()));
  afterAll(() => close());

  it("creates a movie with its genres and reads it back", async () => {
    const created = await api.create({ title: "Contract", description: "d", genres: ["Drama", "Noir"], rating: 7.25 });
    expect(created).toEqual({ id: expect.any(Number), title: "Contract", description: "d", genres: ["Drama", "Noir"], rating: 7.25 });
    expect(await api.get(created.id)).toEqual(created);
  });

  it("throws NOT_FOUND as the same AppError for a missing id", async () => {
    const failure = await api.get(909_090).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "NOT_FOUND", message: "movie 909090 not found" });
  });

  it("lists in id order with genres, and pages", async () => {
    await api.create({ title: "Second", description: "", genres: [], rating: 1 });
    await api.create({ title: "Third", description: "", genres: ["Comedy"], rating: 2 });
    const all = await api.list({});
    expect(all.map((m) => m.id)).toEqual([...all.map((m) => m.id)].sort((a, b) => a - b));
    expect(await api.list({ limit: 1, offset: 1 })).toEqual(all.slice(1, 2));
  });
});
