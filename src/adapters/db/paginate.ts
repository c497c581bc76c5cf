import type { PgSelect } from "drizzle-orm/pg-core";
import type { Page } from "../../contracts/pagination.ts";

/** Applies `?limit=&offset=` to a dynamic select; no limit means the rest of the list. */
export function paginate<Q extends PgSelect>(query: Q, page: Page): Q {
  const skipped = query.offset(page.offset ?? 0) as Q;
  return page.limit === undefined ? skipped : (skipped.limit(page.limit) as Q);
}
