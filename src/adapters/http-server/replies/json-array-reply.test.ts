import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { jsonArrayReply } from "./json-array-reply.ts";

function appServing(pages: () => AsyncIterable<unknown[]>) {
  const app = new Hono();
  app.get("/", (c) => jsonArrayReply(c, pages()));
  app.onError((_error, c) => c.text("failed", 500));
  return app;
}

async function* fromArrays(...pages: unknown[][]) {
  for (const page of pages) yield page;
}

describe("jsonArrayReply", () => {
  it.each([
    ["no page", []],
    ["one page", [[{ a: 1 }, "x"]]],
    ["several pages", [[{ a: 1, b: [1, "é"] }], [null, 2.5], ["\u2028\"\\"]]],
  ])("sends exactly JSON.stringify of the concatenated pages, for %s", async (_what, pages) => {
    const res = await appServing(() => fromArrays(...pages)).request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(JSON.stringify(pages.flat()));
  });

  it("answers the usual error reply when the first page cannot be read", async () => {
    const res = await appServing(async function* () {
      throw new Error("connection refused");
    }).request("/");
    expect(res.status).toBe(500);
  });

  it("cuts the reply, never ends the array, when a later page fails", async () => {
    const res = await appServing(async function* () {
      yield [1];
      yield [2];
      throw new Error("connection lost");
    }).request("/");
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});
