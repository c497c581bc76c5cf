import { describe, expect, it } from "vitest";
import { jsonDifferences, pathMatches, replyDifferences } from "./json-diff.ts";

const reply = (body: unknown, status = 200, headers: Record<string, string> = {}) => ({ status, headers: new Headers(headers), body: typeof body === "string" ? body : JSON.stringify(body) });

describe("jsonDifferences", () => {
  it("compares per path: objects by key, arrays in order, numbers by value", () => {
    expect(jsonDifferences({ a: 1.0, b: [1, 2], c: { d: "x" } }, JSON.parse('{"c":{"d":"x"},"b":[1,2],"a":1}'))).toEqual([]);
    expect(jsonDifferences({ a: 1, items: [{ t: "a" }, { t: "b" }] }, { a: 2, items: [{ t: "a" }, { t: "c" }, { t: "d" }] })).toEqual([
      { path: "$.a", legacy: 1, service: 2 },
      { path: "$.items.length", legacy: 2, service: 3 },
      { path: "$.items[*].t", legacy: "b", service: "c" },
    ]);
    expect(jsonDifferences([2, 1], [1, 2]).map((d) => d.path)).toEqual(["$[*]", "$[*]"]);
  });

  it("names a missing key, a changed type and keys that are not identifiers", () => {
    expect(jsonDifferences({ a: 1, "x-y": null }, { "x-y": 0, b: true })).toEqual([
      { path: "$.a", legacy: 1, service: undefined },
      { path: '$["x-y"]', legacy: null, service: 0 },
      { path: "$.b", legacy: undefined, service: true },
    ]);
  });
});

describe("replyDifferences", () => {
  it("compares the status, the named headers only, and non-JSON bodies whole", () => {
    const diffs = replyDifferences(reply("a", 200, { etag: "1", date: "x" }), reply("b", 404, { etag: "2", date: "y" }), ["etag"], []);
    expect(diffs.map((d) => d.path)).toEqual(["status", "header:etag", "$body"]);
  });

  it("drops ignored paths, with wildcards", () => {
    const diffs = replyDifferences(reply({ at: 1, items: [{ id: 1, etag: "a" }] }), reply({ at: 2, items: [{ id: 2, etag: "b" }] }), [], ["$.at", "$.items[*].etag"]);
    expect(diffs.map((d) => d.path)).toEqual(["$.items[*].id"]);
    expect(pathMatches("$.meta", "$.meta.page")).toBe(true);
    expect(pathMatches("$.meta", "$.metadata")).toBe(false);
  });
});
