import type { DependencyContainer } from "tsyringe";
import type { Logger } from "../adapters/logging/logger.ts";
import { TransportFailure } from "../adapters/http-client/remote-client.ts";
import { MOVIES_API } from "../modules/movies/index.ts";
import { PAYMENTS_API, SUBSCRIPTIONS_API } from "../modules/payments/index.ts";
import { USERS_API } from "../modules/users/index.ts";
import { seedMovies, seedPayments, seedSubscriptions, seedUsers } from "./seed-data.ts";

/**
 * Loads the sample data into each collection that is empty, through the ports (so it works whether
 * a module runs here or remotely). Running it again changes nothing. A collection whose remote
 * service does not answer yet is skipped with a warning: that service seeds its own database when
 * it starts, and a process must not fail to start because another one is late.
 */
export async function seedIfEmpty(container: DependencyContainer, log: Logger): Promise<void> {
  const users = container.resolve(USERS_API);
  const movies = container.resolve(MOVIES_API);
  const payments = container.resolve(PAYMENTS_API);
  const subscriptions = container.resolve(SUBSCRIPTIONS_API);
  const created: Record<string, number> = {};

  /** Runs one collection's load; `load` answers how many rows it created, 0 when it found some. */
  const step = async (collection: string, load: () => Promise<number>) => {
    try {
      const count = await load();
      if (count > 0) created[collection] = count;
    } catch (error) {
      if (!(error instanceof TransportFailure)) throw error;
      log.warn({ collection, err: error.message }, "seed skipped: the service holding it does not answer");
    }
  };

  await step("users", async () => {
    if ((await users.list({ limit: 1 })).length > 0) return 0;
    for (const user of seedUsers) await users.create(user);
    return seedUsers.length;
  });
  await step("movies", async () => {
    if ((await movies.list({ limit: 1 })).length > 0) return 0;
    for (const movie of seedMovies) await movies.create(movie);
    return seedMovies.length;
  });
  // Payments and subscriptions belong to users; with none to own them there is nothing to load.
  const owners = async () => users.list({ limit: seedUsers.length });
  await step("payments", async () => {
    const found = await owners();
    if (found.length === 0 || (await payments.list({ limit: 1 })).length > 0) return 0;
    for (const p of seedPayments) await payments.create({ user_id: found[p.user % found.length]!.id, amount: p.amount });
    return seedPayments.length;
  });
  await step("subscriptions", async () => {
    const found = await owners();
    if (found.length === 0 || (await subscriptions.list({ limit: 1 })).length > 0) return 0;
    for (const s of seedSubscriptions) {
      await subscriptions.create({
        user_id: found[s.user % found.length]!.id,
        plan_type: s.plan_type,
        start_date: new Date(s.start_date),
        end_date: new Date(s.end_date),
      });
    }
    return seedSubscriptions.length;
  });
  log.info({ created }, Object.keys(created).length > 0 ? "seed data loaded" : "seed data already present");
}
