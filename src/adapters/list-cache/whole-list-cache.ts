import type { ByteBudget } from "./byte-budget.ts";
import { serializeWithin, type ListEntry, type SerializedArray } from "./serialize-list.ts";

/** Where a cached list comes from: its version now, and its entries in order as pages. */
export interface ListSource<H> {
  /** The list's version in the database now; undefined when it has none (then nothing is cached). */
  version(): Promise<string | undefined>;
  /** Every entry of the list, page by page, read after `version()` answered. */
  pages(): AsyncIterable<readonly ListEntry<H>[]>;
}

/** A whole list as of one version of the database. */
export interface CachedList<H> extends SerializedArray<H> {
  readonly version: string;
}

type Entry<H> = CachedList<H> | { readonly version: string; readonly tooBig: true };

/**
 * One whole list serialized, kept while the database's version of it stays the same. Every call
 * reads the version first (one small query) and serves the bytes only when it still matches, so a
 * write committed anywhere (another replica, another process, psql) is seen by the next request.
 * The text is read after the version: it is never older than the version it is filed under (at
 * worst newer, which the next call's version check replaces). Concurrent misses of one version
 * share one build. A list over the budget is not kept (`current()` answers undefined: stream it).
 */
export class WholeListCache<H> {
  private entry: Entry<H> | undefined;
  private building: { version: string; list: Promise<CachedList<H> | undefined> } | undefined;

  constructor(
    private readonly budget: ByteBudget,
    private readonly source: ListSource<H>,
  ) {}

  /** The whole list as of the database's version now; undefined when it is not cached here (too big, no budget). */
  async current(): Promise<CachedList<H> | undefined> {
    if (this.budget.maxBytes === 0) return undefined;
    const version = await this.source.version();
    if (version === undefined) return undefined;
    const entry = this.entry;
    if (entry?.version === version) return "tooBig" in entry ? undefined : entry;
    if (this.building?.version === version) return this.building.list;
    const list = this.build(version);
    this.building = { version, list };
    try {
      return await list;
    } finally {
      if (this.building?.list === list) this.building = undefined;
    }
  }

  private async build(version: string): Promise<CachedList<H> | undefined> {
    const held = this.entry && !("tooBig" in this.entry) ? this.entry.bytes : 0;
    const array = await serializeWithin(this.source.pages(), this.budget.available() + held);
    // Replaced synchronously: the budget never counts a list twice nor one that is gone.
    this.release();
    if (array && this.budget.take(array.bytes)) {
      this.entry = { version, ...array };
      return this.entry;
    }
    this.entry = { version, tooBig: true };
    return undefined;
  }

  private release(): void {
    if (this.entry && !("tooBig" in this.entry)) this.budget.give(this.entry.bytes);
    this.entry = undefined;
  }
}
