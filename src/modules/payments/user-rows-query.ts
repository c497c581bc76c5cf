import { eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { UserRowsFilter } from "./payments.contract.ts";

/** The `?user_id=` filter of payment and subscription lists; undefined means every user. */
export function whereUser(column: PgColumn, filter: UserRowsFilter): SQL | undefined {
  return filter.user_id === undefined ? undefined : eq(column, filter.user_id);
}

