import type { Page } from "../../contracts/pagination.ts";

/** Rows per query when a list is read whole: memory is bounded by this, not by the list. */
export const LIST_PAGE_ROWS = 1000;

/** One query of a list in id order: rows after id `after` (all when undefined), `offset` skipped, at most `limit`. */
export type ReadPage<T> = (after: number | undefined, offset: number, limit: number) => Promise<T[]>;

/**
 * A list in id order as pages of at most `size` rows: `?offset=` skips once, then every page
 * starts after the last id seen (keyset), so each query costs the same however deep in the list.
 */
export async function* keysetPages<T extends { id: number }>(read: ReadPage<T>, page: Page, size = LIST_PAGE_ROWS): AsyncGenerator<T[]> {
  let remaining = page.limit ?? Number.POSITIVE_INFINITY;
  let after: number | undefined;
  let offset = page.offset ?? 0;
  while (remaining > 0) {
    const want = Math.min(size, remaining);
    const rows = await read(after, offset, want);
    if (rows.length > 0) yield rows;
    if (rows.length < want) return;
    remaining -= rows.length;
    after = rows[rows.length - 1]!.id;
    offset = 0;
  }
}

/** Every row of a paged list in one array (for callers that want a bounded page anyway). */
export async function collectPages<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const rows of pages) for (const row of rows) all.push(row);
  return all;
}

/** The same pages with each row mapped. */
export async function* mapPages<T, U>(pages: AsyncIterable<T[]>, map: (row: T) => U): AsyncGenerator<U[]> {
  for await (const rows of pages) yield rows.map(map);
}
