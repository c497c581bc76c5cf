import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReply } from "../../testing/expect-reply.ts";
import { outsideWriter } from "../../testing/outside-writer.ts";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { User } from "../users/index.ts";
import { PAYMENTS_API } from "./payments.contract.ts";
import { SUBSCRIPTIONS_API } from "./subscriptions.contract.ts";

// As for movies: the whole lists of payments and subscriptions come from a cache checked against a
// version bumped in every writing transaction. On PGlite (`npm test`) and PostgreSQL (`test:servers`).

let t: TestApp;
let write: (statement: string) => Promise<void>;
let ann: number;
beforeAll(async () => {
  t = await startTestApp();
  write = outsideWriter(t);
  ann = expectReply(await t.call("POST", "/api/users", { username: "list_ann", email: "ann@list.example" }), 201, User).id;
  for (const amount of [9.99, 10, 0.5]) await t.call("POST", "/api/payments", { user_id: ann, amount });
  await t.call("POST", "/api/subscriptions", { user_id: ann, plan_type: "basic", start_date: "2024-01-01T00:00:00Z", end_date: "2025-01-01T00:00:00Z" });
});
afterAll(() => t.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(path, { headers });
  return { status: res.status, etag: res.headers.get("etag"), text: await res.text() };
};

describe.each([
  ["/api/payments", () => t.platform.container.resolve(PAYMENTS_API).list({}), (id: number) => `insert into payments.payments (user_id, amount) values (${id}, 42.5)`],
  [
    "/api/subscriptions",
    () => t.platform.container.resolve(SUBSCRIPTIONS_API).list({}),
    (id: number) => `insert into payments.subscriptions (user_id, plan_type, start_date, end_date) values (${id}, 'premium', '2024-01-01', '2024-06-01')`,
  ],
])("GET %s whole list, cached", (path, list, insert) => {
  it("is byte-identical to the streamed list, answers 304 to its ETag, and follows a write committed straight in the database", async () => {
    const before = await get(path);
    expect(before.etag).toMatch(/^"[0-9a-f]{32}\.\d+"$/);
    expect(before.text).toBe(JSON.stringify(await list()));
    expect(await get(path, { "if-none-match": before.etag! })).toMatchObject({ status: 304, text: "" });
    await write(insert(ann));
    const after = await get(path);
    expect(after.etag).not.toBe(before.etag);
    expect(after.text).toBe(JSON.stringify(await list()));
    expect(after.text).not.toBe(before.text);
    expect((await get(path, { "if-none-match": before.etag! })).status).toBe(200);
  });

  it("serves one user's list (?user_id=) streamed, not from the cache", async () => {
    const one = await get(`${path}?user_id=${ann}`);
    expect(one).toMatchObject({ status: 200, etag: null });
    expect(one.text).toBe(JSON.stringify(await list()));
  });
});
