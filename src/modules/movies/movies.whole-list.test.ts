import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outsideWriter } from "../../testing/outside-writer.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { MOVIES_API } from "./movies.contract.ts";

// The whole list served from its cache must be, byte for byte, what the streamed pages give, and
// must follow every committed write, including writes that bypass this process (psql, another
// replica): the version a trigger bumps in the writer's transaction is what the cache checks.
// Runs on PGlite under `npm test` and on a PostgreSQL server under `npm run test:servers`.

const get = async (t: TestApp, headers: Record<string, string> = {}) => {
  const res = await t.app.request("/api/movies", { headers });
  return { status: res.status, etag: res.headers.get("etag"), type: res.headers.get("content-type"), text: await res.text() };
};
// What the streamed path sends for the same rows: JSON.stringify of the whole array.
const streamed = async (t: TestApp) => JSON.stringify(await t.platform.container.resolve(MOVIES_API).list({}));

describe("GET /api/movies whole list, cached", () => {
  let t: TestApp;
  let write: (statement: string) => Promise<void>;
  beforeAll(async () => {
    t = await startTestApp();
    write = outsideWriter(t);
    for (const title of ["Alpha", "Beta \"quoted\" \u2028 é", "Gamma"]) {
      await t.call("POST", "/api/movies", { title, description: "d\n", genres: ["Drama", "Noir"], rating: 7.25 });
    }
  });
  afterAll(() => t.close());

  it("is byte-identical to the streamed list, with a strong ETag, and stays so across calls", async () => {
    const first = await get(t);
    expect(first).toMatchObject({ status: 200, type: "application/json" });
    expect(first.etag).toMatch(/^"[0-9a-f]{32}\.\d+"$/);
    expect(first.text).toBe(await streamed(t));
    expect(await get(t)).toEqual(first);
  });

  it("answers 304 with no body to If-None-Match of the current ETag, 200 to any other", async () => {
    const { etag, text } = await get(t);
    const unchanged = await get(t, { "if-none-match": `"other", W/${etag}` });
    expect(unchanged).toMatchObject({ status: 304, etag, text: "" });
    expect(await get(t, { "if-none-match": '"other"' })).toMatchObject({ status: 200, etag, text });
  });

  it("follows a write through the API: new bytes, new ETag, the old ETag no longer matches", async () => {
    const before = await get(t);
    await t.call("POST", "/api/movies", { title: "Delta", description: "", genres: [], rating: 1 });
    const after = await get(t);
    expect(after.etag).not.toBe(before.etag);
    expect(after.text).toBe(await streamed(t));
    expect(JSON.parse(after.text).at(-1)).toMatchObject({ title: "Delta" });
    expect((await get(t, { "if-none-match": before.etag! })).status).toBe(200);
  });

  it.each([
    ["an insert", "insert into movies.movies (title, description, rating) values ('Outside', '', 3)"],
    ["an update", "update movies.movies set title = 'Renamed outside' where title = 'Alpha'"],
    ["a genre change alone", "update movies.movie_genres set genre = 'Western' where position = 1"],
    ["a delete", "delete from movies.movies where title = 'Gamma'"],
  ])("follows %s committed by another connection straight in the database", async (_what, statement) => {
    const before = await get(t);
    await write(statement);
    const after = await get(t);
    expect(after.text).not.toBe(before.text);
    expect(after.etag).not.toBe(before.etag);
    expect(after.text).toBe(await streamed(t));
  });

  it("signs a ready poster's URL per request while the rest of the list stays cached", async () => {
    const [movie] = JSON.parse((await get(t)).text) as { id: number }[];
    await write(
      `insert into movies.movie_content (id, movie_id, kind, content_type, size, status, upload_expires_at, completed_at)
       values ('${randomUUID()}', ${movie!.id}, 'poster', 'image/png', 10, 'ready', now(), now())`,
    );
    const { text, etag } = await get(t);
    const listed = JSON.parse(text) as Record<string, unknown>[];
    expect(Object.keys(listed[0]!)).toEqual(["id", "title", "description", "genres", "rating", "poster_url"]);
    expect(listed[0]!.poster_url).toMatch(/^http:\/\/localhost\/api\/movies\/.+/);
    expect(listed.slice(1).every((m) => !("poster_url" in m))).toBe(true);
    expect(etag).toMatch(/^"[0-9a-f]{32}\.\d+-[\w-]+"$/);
  });

  it("reads its own writes while other whole-list reads and rebuilds run concurrently", async () => {
    for (let round = 0; round < 10; round++) {
      const title = `Concurrent ${round}`;
      const [created] = await Promise.all([t.call("POST", "/api/movies", { title, description: "", genres: ["Drama"], rating: 5 }), get(t), get(t), get(t)]);
      expect(created.status).toBe(201);
      const after = await get(t);
      expect((JSON.parse(after.text) as { title: string }[]).some((m) => m.title === title)).toBe(true);
    }
  });

  it("pages (?limit=, ?offset=) are never served from the whole list", async () => {
    const res = await t.app.request("/api/movies?limit=2");
    expect(res.headers.get("etag")).toBeNull();
    expect((JSON.parse(await res.text()) as unknown[]).length).toBe(2);
  });
});

describe("GET /api/movies whole list over LIST_CACHE_MAX_BYTES", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(undefined, { LIST_CACHE_MAX_BYTES: "1000" });
    for (let i = 0; i < 20; i++) await t.call("POST", "/api/movies", { title: `Movie ${i}`, description: "a description", genres: ["Drama"], rating: 5 });
  });
  afterAll(() => t.close());

  it("is streamed page by page (no ETag), byte-identical, and follows writes", async () => {
    const first = await get(t);
    expect(first.text.length).toBeGreaterThan(1000);
    expect(first).toMatchObject({ status: 200, etag: null, text: await streamed(t) });
    await t.call("POST", "/api/movies", { title: "One more", description: "", genres: [], rating: 2 });
    const after = await get(t);
    expect(after).toMatchObject({ status: 200, etag: null, text: await streamed(t) });
    expect(after.text).not.toBe(first.text);
  });
});
