import { describe, expect, it } from "vitest";
import { newDomainEvent } from "./domain-event.ts";

describe("newDomainEvent ids", () => {
  it("keep the readable prefix and end in a v4 UUID", () => {
    expect(newDomainEvent("movie", 1, "Viewed!", {}).id).toMatch(/^movie-1-viewed-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  // The consumer skips an id it has handled, so a repeat would silently drop a real event.
  it("do not repeat in 1,000,000 events of one entity and action", () => {
    const n = 1_000_000;
    const prefix = "movie-1-viewed-";
    // Distinct 64 random bits of the tails mean distinct ids (a chance repeat among a million: 3e-8).
    // As numbers in a typed array they sort in a fraction of a second, where a Set of a million
    // strings spends seconds in the garbage collector.
    const heads = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const id = newDomainEvent("movie", 1, "viewed", {}).id;
      if (!id.startsWith(prefix)) throw new Error(`unexpected id ${id}`);
      const hex = id.slice(prefix.length).replaceAll("-", "");
      // Skips the version digit (12) and the variant digit (16): they are the same in every v4 UUID.
      heads[i] = BigInt(`0x${hex.slice(0, 12)}${hex.slice(13, 16)}${hex.slice(17, 18)}`);
    }
    heads.sort();
    let repeats = 0;
    for (let i = 1; i < n; i++) if (heads[i] === heads[i - 1]) repeats++;
    expect(repeats).toBe(0);
  }, 30_000);
});
