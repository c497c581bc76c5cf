import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIST_PAGE_ROWS } from "../adapters/db/keyset-pages.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { movieGenres, movies } from "./movies/movies.tables.ts";
import { payments, subscriptions } from "./payments/payments.tables.ts";
import { users } from "./users/users.tables.ts";

// More rows than two pages, so a whole list crosses page boundaries (read into the cache or streamed).
const ROWS = LIST_PAGE_ROWS * 2 + 345;

let t: TestApp;

// Today's replies built as the code before streaming built them: every row read in one query,
// genres grouped in JS, then one JSON.stringify of the whole array (what c.json sends).
async function legacyMovies(): Promise<string> {
  const db = t.platform.database.db;
  const rows = await db.select().from(movies).orderBy(movies.id);
  const genreRows = await db.select().from(movieGenres).orderBy(movieGenres.movieId, movieGenres.position);
  const genresOf = new Map<number, string[]>();
  for (const g of genreRows) genresOf.set(g.movieId, [...(genresOf.get(g.movieId) ?? []), g.genre]);
  return JSON.stringify(rows.map((r) => ({ id: r.id, title: r.title, description: r.description, genres: genresOf.get(r.id) ?? [], rating: r.rating })));
}

async function legacyPayments(userId?: number): Promise<string> {
  const rows = await t.platform.database.db.select().from(payments).orderBy(payments.id);
  const mine = rows.filter((r) => userId === undefined || r.userId === userId);
  return JSON.stringify(mine.map((r) => ({ id: r.id, user_id: r.userId, amount: r.amount, timestamp: r.timestamp.toISOString() })));
}

async function legacySubscriptions(): Promise<string> {
  const rows = await t.platform.database.db.select().from(subscriptions).orderBy(subscriptions.id);
  return JSON.stringify(
    rows.map((r) => ({ id: r.id, user_id: r.userId, plan_type: r.planType, start_date: r.startDate.toISOString(), end_date: r.endDate.toISOString() })),
  );
}

async function legacyUsers(): Promise<string> {
  const rows = await t.platform.database.db.select({ id: users.id, username: users.username, email: users.email }).from(users).orderBy(users.id);
  return JSON.stringify(rows);
}

async function text(path: string): Promise<{ status: number; type: string | null; length: string | null; body: string }> {
  const res = await t.app.request(path);
  return { status: res.status, type: res.headers.get("content-type"), length: res.headers.get("content-length"), body: await res.text() };
}

// Whole lists are served from the list cache when they fit LIST_CACHE_MAX_BYTES, else streamed:
// both must answer the same bytes, so every case runs both ways.
describe.each([
  ["cached", {}],
  ["streamed (LIST_CACHE_MAX_BYTES=0)", { LIST_CACHE_MAX_BYTES: "0" }],
])("whole lists across pages, %s", (_how, env: Record<string, string>) => {
  beforeAll(async () => {
    t = await startTestApp(undefined, env);
    const db = t.platform.database.db;
    await db.execute(sql`insert into users.users (username, email) select 'u' || i, 'u' || i || '@lists.example' from generate_series(1, ${ROWS}) i`);
    await db.execute(sql`insert into movies.movies (title, description, rating)
      select 'Movie "' || i || '" \\ é ✓', case when i % 7 = 0 then '' else 'line' || chr(10) || i end, (i % 101) / 10.0 from generate_series(1, ${ROWS}) i`);
    // Genres out of alphabetical order, and some movies with none.
    await db.execute(sql`insert into movies.movie_genres (movie_id, position, genre)
      select id, p, (array['Noir', 'Action', 'Drama'])[p + 1] from movies.movies, generate_series(0, 2) p where id % 5 <> 0 and p <= id % 3`);
    await db.execute(sql`insert into payments.payments (user_id, amount) select 1 + i % 3, (i % 9999) / 100.0 + 0.01 from generate_series(1, ${ROWS}) i`);
    await db.execute(sql`insert into payments.subscriptions (user_id, plan_type, start_date, end_date)
      select 1 + i % 3, 'premium', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00.123Z' from generate_series(1, ${ROWS}) i`);
  }, 120_000);
  afterAll(() => t.close());

  it.each([
    ["/api/movies", legacyMovies],
    ["/api/payments", () => legacyPayments()],
    ["/api/payments?user_id=2", () => legacyPayments(2)],
    ["/api/subscriptions", legacySubscriptions],
    ["/api/users", legacyUsers],
  ])("GET %s answers byte for byte what one JSON.stringify of the whole list answered", async (path, legacy) => {
    const reply = await text(path);
    expect(reply.status).toBe(200);
    expect(reply.type).toBe("application/json");
    const expected = await legacy();
    expect(JSON.parse(expected).length).toBeGreaterThan(path.includes("user_id") ? 0 : LIST_PAGE_ROWS);
    expect(reply.body).toBe(expected);
  });

  it("reads a whole list in one query per page, with a fixed number of parameters whatever its length", async () => {
    // A write first: the cached list is read again (the streamed one always is).
    await t.platform.database.db.execute(sql`update movies.movies set rating = rating where id = 1`);
    t.queries.length = 0;
    await text("/api/movies");
    // Only the reads of the list: the outbox relay and the events consumer query the same database meanwhile.
    const reads = t.queries.filter((q) => q.includes('from "movies"."movies"'));
    expect(reads).toHaveLength(Math.ceil(ROWS / LIST_PAGE_ROWS));
    for (const query of reads) expect(query.match(/\$\d+/g)?.length ?? 0).toBeLessThanOrEqual(3);
  });

  it("applies ?offset= once, at the start of a list read in pages", async () => {
    const all = JSON.parse(await legacyMovies()) as unknown[];
    expect((await text(`/api/movies?offset=${LIST_PAGE_ROWS + 5}`)).body).toBe(JSON.stringify(all.slice(LIST_PAGE_ROWS + 5)));
    expect((await text(`/api/movies?limit=${LIST_PAGE_ROWS}&offset=${LIST_PAGE_ROWS - 1}`)).body).toBe(
      JSON.stringify(all.slice(LIST_PAGE_ROWS - 1, 2 * LIST_PAGE_ROWS - 1)),
    );
    expect((await text(`/api/movies?offset=${ROWS}`)).body).toBe("[]");
  });
});
