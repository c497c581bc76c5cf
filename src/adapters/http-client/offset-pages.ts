import type { Page } from "../../contracts/pagination.ts";
import { MAX_PAGE_SIZE } from "../../contracts/pagination.ts";

/**
 * A remote list read as pages of `?limit=&offset=` (the largest page the contract allows), so a
 * whole list passes through this process a page at a time. Ids only grow and rows are never
 * deleted, so offsets stay stable between the calls.
 */
export async function* offsetPages<T>(read: (page: Required<Page>) => Promise<T[]>, page: Page): AsyncGenerator<T[]> {
  let remaining = page.limit ?? Number.POSITIVE_INFINITY;
  let offset = page.offset ?? 0;
  while (remaining > 0) {
    const limit = Math.min(MAX_PAGE_SIZE, remaining);
    const rows = await read({ limit, offset });
    if (rows.length > 0) yield rows;
    if (rows.length < limit) return;
    remaining -= rows.length;
    offset += rows.length;
  }
}
