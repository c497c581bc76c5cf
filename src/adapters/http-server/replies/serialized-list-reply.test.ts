import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { noneMatch, serializedListReply } from "./serialized-list-reply.ts";

const app = (values: string[]) =>
  new Hono().get("/", (c) =>
    serializedListReply(c, { version: "e.7", parts: values.length ? [Buffer.from('[{"a":1'), Buffer.from("}]")] : [Buffer.from("[1]")], values }, (v) => `,"u":${JSON.stringify(v)}`),
  );

describe("serializedListReply", () => {
  it("sends the parts with each value's text between them, and a strong ETag", async () => {
    const plain = await app([]).request("/");
    expect(plain.headers.get("etag")).toBe('"e.7"');
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(await plain.text()).toBe("[1]");
    const filled = await app(["x"]).request("/");
    expect(await filled.text()).toBe('[{"a":1,"u":"x"}]');
    expect(filled.headers.get("etag")).toMatch(/^"e\.7-[\w-]+"$/);
  });

  it("tags differ when the per-request values differ, so equal tags mean equal bytes", async () => {
    const x = (await app(["x"]).request("/")).headers.get("etag");
    const y = (await app(["y"]).request("/")).headers.get("etag");
    expect(x).not.toBe(y);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const res = await app([]).request("/", { headers: { "if-none-match": '"e.7"' } });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
  });

  it.each([
    [undefined, false],
    ['"e.7"', true],
    ['W/"e.7"', true],
    ['"a", "e.7"', true],
    ["*", true],
    ['"e.8"', false],
    ["e.7", false],
  ])("If-None-Match %s matches \"e.7\": %s", (header, expected) => {
    expect(noneMatch(header, '"e.7"')).toBe(expected);
  });
});
