import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../http-server/app-env.ts";
import { currentRequest, requestContext } from "./request-context.ts";

const app = new Hono<AppEnv>()
  .use(requestId())
  .use(requestContext())
  .get("/who", (c) => c.json({ onContext: { requestId: c.get("requestId"), userId: c.get("userId") }, inStorage: currentRequest() }));

describe("requestContext", () => {
  it("gives handlers on c the same request id and user that currentRequest() gives the code they call", async () => {
    const body = await (await app.request("/who", { headers: { "x-request-id": "req-1", "x-user-id": " 42 " } })).json();
    expect(body).toEqual({ onContext: { requestId: "req-1", userId: "42" }, inStorage: { requestId: "req-1", userId: "42" } });
  });

  it("leaves the user out for an anonymous caller", async () => {
    const body = await (await app.request("/who", { headers: { "x-request-id": "req-2" } })).json();
    expect(body).toEqual({ onContext: { requestId: "req-2" }, inStorage: { requestId: "req-2" } });
  });
});
