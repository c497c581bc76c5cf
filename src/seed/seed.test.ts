import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "../adapters/logging/logger.ts";
import { MOVIES_API } from "../modules/movies/index.ts";
import { PAYMENTS_API, SUBSCRIPTIONS_API } from "../modules/payments/index.ts";
import { USERS_API } from "../modules/users/index.ts";
import { startTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { seedIfEmpty } from "./seed.ts";
import { seedMovies, seedPayments, seedSubscriptions, seedUsers } from "./seed-data.ts";

let t: TestPlatform;
beforeAll(async () => void (t = await startTestPlatform()));
afterAll(() => t.close());

const counts = async () => {
  const r = t.platform.container;
  return {
    users: (await r.resolve(USERS_API).list({})).length,
    movies: (await r.resolve(MOVIES_API).list({})).length,
    payments: (await r.resolve(PAYMENTS_API).list({})).length,
    subscriptions: (await r.resolve(SUBSCRIPTIONS_API).list({})).length,
  };
};

it("loads every collection once; a second run changes nothing", async () => {
  const log = createLogger("silent");
  await seedIfEmpty(t.platform.container, log);
  const first = await counts();
  expect(first).toEqual({
    users: seedUsers.length,
    movies: seedMovies.length,
    payments: seedPayments.length,
    subscriptions: seedSubscriptions.length,
  });
  await seedIfEmpty(t.platform.container, log);
  expect(await counts()).toEqual(first);
  const movies = await t.platform.container.resolve(MOVIES_API).list({});
  expect(movies.every((m) => m.genres.length > 0)).toBe(true);
});
