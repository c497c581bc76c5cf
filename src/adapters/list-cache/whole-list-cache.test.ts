import { describe, expect, it } from "vitest";
import { ByteBudget } from "./byte-budget.ts";
import { WholeListCache, type ListSource } from "./whole-list-cache.ts";

/** A list in memory whose version the test moves, counting how often it is read whole. */
function source(entries: string[]) {
  const state = { version: "e.1", entries, reads: 0, versionReads: 0 };
  const src: ListSource<never> = {
    version: async () => (state.versionReads++, state.version),
    pages: async function* () {
      state.reads++;
      yield state.entries;
    },
  };
  return { state, src };
}

describe("WholeListCache", () => {
  it("reads the list once per version and checks the version on every call", async () => {
    const { state, src } = source(['"a"']);
    const cache = new WholeListCache(new ByteBudget(1000), src);
    const first = await cache.current();
    expect(first!.parts.map(String)).toEqual(['["a"]']);
    expect(await cache.current()).toBe(first);
    expect(state).toMatchObject({ reads: 1, versionReads: 2 });
    state.version = "e.2";
    state.entries = ['"a"', '"b"'];
    expect((await cache.current())!.parts.map(String)).toEqual(['["a","b"]']);
    expect(state.reads).toBe(2);
  });

  it("shares one read among concurrent misses of one version", async () => {
    const { state, src } = source(['"a"']);
    const cache = new WholeListCache(new ByteBudget(1000), src);
    const lists = await Promise.all([cache.current(), cache.current(), cache.current()]);
    expect(new Set(lists).size).toBe(1);
    expect(state.reads).toBe(1);
  });

  it("never hands a build of an older version to a call that read a newer one", async () => {
    const { state, src } = source(['"old"']);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Each read sees the list as it was when it began (as a query's snapshot does).
    src.pages = async function* () {
      const entries = state.entries;
      await gate;
      yield entries;
    };
    const cache = new WholeListCache(new ByteBudget(1000), src);
    const first = cache.current();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // A write commits while the first build is still reading.
    state.version = "e.2";
    state.entries = ['"new"'];
    const second = cache.current();
    release();
    expect((await second)!.parts.map(String)).toEqual(['["new"]']);
    expect((await first)!.version).toBe("e.1");
  });

  it("keeps nothing over the budget, shares the budget between lists, and gives it back on replacement", async () => {
    const budget = new ByteBudget(12);
    const one = source(['"12345"']); // 9 bytes
    const two = source(['"1"']); // 5 bytes
    const cacheOne = new WholeListCache(budget, one.src);
    const cacheTwo = new WholeListCache(budget, two.src);
    expect(await cacheOne.current()).toBeDefined();
    expect(budget.available()).toBe(3);
    expect(await cacheTwo.current()).toBeUndefined();
    // Over the budget at this version: not read again until the version moves.
    expect(await cacheTwo.current()).toBeUndefined();
    expect(two.state.reads).toBe(1);
    one.state.version = "e.2";
    one.state.entries = ['"1"'];
    await cacheOne.current();
    expect(budget.available()).toBe(7);
    two.state.version = "e.2";
    expect(await cacheTwo.current()).toBeDefined();
    expect(budget.available()).toBe(2);
  });

  it("reads no version at all when the budget is 0", async () => {
    const { state, src } = source(['"a"']);
    expect(await new WholeListCache(new ByteBudget(0), src).current()).toBeUndefined();
    expect(state).toMatchObject({ reads: 0, versionReads: 0 });
  });
});
