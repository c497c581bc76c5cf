import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const LEGACY_TYPES = /^(application\/x-www-form-urlencoded|text\/plain)\b/i;

/**
 * The legacy monolith parsed every request body as JSON whatever its Content-Type, and clients
 * rely on it (`curl -d '{...}'` sends form encoding). Such bodies are relabelled as JSON so the
 * routes' schemas validate them; any other declared type still gets 415.
 */
export function relabelLegacyJsonBody(c: Context<AppEnv>): void {
  if (BODY_METHODS.has(c.req.method) && relabelledAsJson(c.req.header("content-type"))) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    c.req.raw = new Request(c.req.raw, { headers });
  }
}

/** Whether relabelLegacyJsonBody makes a body of this Content-Type JSON: none, or a legacy type. */
export function relabelledAsJson(type: string | undefined): boolean {
  return type === undefined || LEGACY_TYPES.test(type);
}
