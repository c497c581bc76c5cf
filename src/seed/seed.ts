import type { DependencyContainer } from "tsyringe";
import type { Logger } from "../adapters/logging/logger.ts";
import { MOVIES_API } from "../modules/movies/index.ts";
import { PAYMENTS_API, SUBSCRIPTIONS_API } from "../modules/payments/index.ts";
import { USERS_API } from "../modules/users/index.ts";
import { seedMovies, seedPayments, seedSubscriptions, seedUsers } from "./seed-data.ts";

/**
 * Loads the sample data into each collection that is empty, through the ports (so it works whether
 * a module runs here or remotely). Running it again changes nothing.
 */
export async function seedIfEmpty(container: DependencyContainer, log: Logger): Promise<void> {
  const users = container.resolve(USERS_API);
  const movies = container.resolve(MOVIES_API);
  const payments = container.resolve(PAYMENTS_API);
  const subscriptions = container.resolve(SUBSCRIPTIONS_API);
  const created: Record<string, number> = {};

  if ((await users.list({ limit: 1 })).length === 0) {
    for (const user of seedUsers) await users.create(user);
    created.users = seedUsers.length;
  }
  if ((await movies.list({ limit: 1 })).length === 0) {
    for (const movie of seedMovies) await movies.create(movie);
    created.movies = seedMovies.length;
  }
  const owners = await users.list({ limit: seedUsers.length });
  const ownerId = (index: number) => owners[index % owners.length]!.id;
  if ((await payments.list({ limit: 1 })).length === 0) {
    for (const p of seedPayments) await payments.create({ user_id: ownerId(p.user), amount: p.amount });
    created.payments = seedPayments.length;
  }
  if ((await subscriptions.list({ limit: 1 })).length === 0) {
    for (const s of seedSubscriptions) {
      await subscriptions.create({
        user_id: ownerId(s.user),
        plan_type: s.plan_type,
        start_date: new Date(s.start_date),
        end_date: new Date(s.end_date),
      });
    }
    created.subscriptions = seedSubscriptions.length;
  }
  log.info({ created }, Object.keys(created).length > 0 ? "seed data loaded" : "seed data already present");
}
