import type { Database } from "../../adapters/db/database.ts";
import { mapPages } from "../../adapters/db/keyset-pages.ts";
import type { ByteBudget } from "../../adapters/list-cache/byte-budget.ts";
import { listVersionReader } from "../../adapters/list-cache/list-version.ts";
import { WholeListCache } from "../../adapters/list-cache/whole-list-cache.ts";
import type { SerializedList } from "../../contracts/serialized-list.ts";
import { paymentsListVersions } from "./payments.tables.ts";

/** The whole list of one of this module's tables, its rows serialized as they are, kept while its version holds. */
export class RowsListCache {
  private readonly whole: WholeListCache<never>;

  constructor(db: Database, list: "payments" | "subscriptions", rows: () => AsyncIterable<object[]>, budget: ByteBudget) {
    this.whole = new WholeListCache(budget, {
      version: listVersionReader(db, paymentsListVersions, list),
      pages: () => mapPages(rows(), (row) => JSON.stringify(row)),
    });
  }

  /** The list as of the database's version now; undefined when it is not cached here (too big, no budget). */
  async current(): Promise<SerializedList | undefined> {
    const list = await this.whole.current();
    return list && { version: list.version, parts: list.parts, values: [] };
  }
}
