import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../adapters/http-server/app-env.ts";
import { monolithApp } from "../roles/apps.ts";
import type { Platform } from "../roles/platform.ts";
import { readReply, type Reply } from "./reply.ts";
import { startTestPlatform, type TestPlatform } from "./test-platform.ts";

export interface TestApp extends TestPlatform {
  app: OpenAPIHono<AppEnv>;
  /** Sends one request to the app in-process; a non-string body is sent as JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

/** A role's app (the monolith's by default) over a fresh database, called without a network hop. */
export async function startTestApp(appOf: (platform: Platform) => OpenAPIHono<AppEnv> = monolithApp, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestPlatform({ env });
  const app = appOf(t.platform);
  return {
    ...t,
    app,
    call: async (method, path, body, headers = {}) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        init.headers = { "content-type": "application/json", ...headers };
      }
      return readReply(await app.request(path, init));
    },
  };
}
