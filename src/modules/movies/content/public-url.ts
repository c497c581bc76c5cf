import type { Context } from "hono";
import type { AppEnv } from "../../../adapters/http-server/app-env.ts";
import { HOST } from "../../../adapters/http-server/pipeline/host-header.ts";

/**
 * The URL as the client can follow it. S3's are absolute already; the filesystem store's are paths
 * (unless CONTENT_PUBLIC_URL is set), put behind the origin the client called: the gateway's
 * X-Forwarded-Proto/-Host when it came through one, else this listener's own.
 */
export function publicUrl(url: string, c: Context<AppEnv>): string {
  if (!url.startsWith("/")) return url;
  const own = new URL(c.req.url);
  const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim();
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
  const origin = host && HOST.test(host) ? `${proto === "https" ? "https" : "http"}://${host}` : own.origin;
  return origin + url;
}
