import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../http-server/app-env.ts";
import { errorReply } from "../http-server/errors/error-handler.ts";
import { requestPipeline } from "../http-server/pipeline/request-pipeline.ts";
import { createLogger } from "../logging/logger.ts";
import { AccessTokens } from "../tokens/access-tokens.ts";
import { currentRequest } from "./request-context.ts";

const tokens = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret: "request-context-test-secret-0123456789" }] });
const otherKey = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret: "some-other-signing-secret-0123456789ab" }] });
const log = createLogger("silent");

const app = new Hono<AppEnv>()
  .use(requestPipeline({ log, identity: { tokens, authRequired: (path) => path.startsWith("/closed") } }))
  .get("/*", (c) => c.json({ onContext: { requestId: c.get("requestId"), caller: c.get("caller") }, inStorage: currentRequest() }))
  .onError((error, c) => errorReply(error, c, log));

const get = async (path: string, headers: Record<string, string>) => {
  const res = await app.request(path, { headers });
  return { status: res.status, body: (await res.json()) as { onContext: unknown; inStorage: unknown } };
};

describe("the request context with the caller identified", () => {
  it("gives handlers on c the same request id and verified caller that currentRequest() gives the code they call", async () => {
    const authorization = `Bearer ${await tokens.sign("42", "admin")}`;
    const { body } = await get("/who", { "x-request-id": "req-1", authorization });
    expect(body.onContext).toEqual({ requestId: "req-1", caller: { userId: 42, role: "admin" } });
    expect(body.inStorage).toEqual({ requestId: "req-1", caller: { userId: 42, role: "admin" }, authorization });
  });

  it("never takes a caller from X-User-Id: without a token the caller is anonymous", async () => {
    const { body } = await get("/who", { "x-request-id": "req-2", "x-user-id": "42" });
    expect(body).toEqual({ onContext: { requestId: "req-2" }, inStorage: { requestId: "req-2" } });
  });

  it("refuses, with 401, a token signed with another key, even where authentication is not required", async () => {
    const { status, body } = await get("/who", { authorization: `Bearer ${await otherKey.sign("42")}` });
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: "UNAUTHORIZED", error: "bearer token refused: token not valid" });
  });

  it("answers 401 without a token where the route requires one, and marks the context where it has one", async () => {
    expect(await get("/closed/x", { "x-user-id": "1" })).toMatchObject({ status: 401, body: { error: "/closed/x requires a bearer token" } });
    const { body } = await get("/closed/x", { authorization: `Bearer ${await tokens.sign("7")}` });
    expect(body.inStorage).toMatchObject({ caller: { userId: 7, role: "user" }, authRequired: true });
  });
});
