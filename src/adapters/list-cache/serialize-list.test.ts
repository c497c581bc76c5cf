import { describe, expect, it } from "vitest";
import { serializeWithin, type ListEntry } from "./serialize-list.ts";

async function* pagesOf<H>(pages: ListEntry<H>[][], pulled: { count: number } = { count: 0 }) {
  for (const page of pages) {
    pulled.count++;
    yield page;
  }
}

const text = (parts: readonly Buffer[], fill: string[]) => parts.map((p, i) => p.toString() + (fill[i] ?? "")).join("");

describe("serializeWithin", () => {
  it.each([
    ["no page", []],
    ["an empty page", [[]]],
    ["several pages", [[JSON.stringify({ a: 1 })], [JSON.stringify("é\u2028"), "2"]]],
  ])("joins entries into exactly the JSON array, for %s", async (_what, pages) => {
    const array = await serializeWithin(pagesOf<never>(pages), 1000);
    expect(array!.holes).toEqual([]);
    expect(array!.parts.map(String)).toEqual([`[${pages.flat().join(",")}]`]);
    expect(array!.bytes).toBe(Buffer.byteLength(`[${pages.flat().join(",")}]`));
  });

  it("cuts the text at every hole, in order, across pages", async () => {
    const array = await serializeWithin(pagesOf([["{\"a\":1}", ["{\"b\":2", "h1", "}"]], [["{\"c\":3", "h2", "}"], "4"]]), 1000);
    expect(array!.holes).toEqual(["h1", "h2"]);
    expect(array!.parts).toHaveLength(3);
    expect(text(array!.parts, [",\"u\":1", ",\"u\":2"])).toBe('[{"a":1},{"b":2,"u":1},{"c":3,"u":2},4]');
  });

  it("gives up as soon as the text passes the bound, without reading the pages after", async () => {
    const pulled = { count: 0 };
    const page = Array.from({ length: 10 }, () => '"0123456789"');
    expect(await serializeWithin(pagesOf([page, page, page, page], pulled), 150)).toBeUndefined();
    expect(pulled.count).toBe(2);
    expect(await serializeWithin(pagesOf([page]), 200)).toBeDefined();
  });
});
