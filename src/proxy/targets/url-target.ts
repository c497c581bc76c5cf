import { Readable } from "node:stream";
import { errors, Pool, type Dispatcher } from "undici";
import { isTimeout } from "../../adapters/http-client/transport-errors.ts";
import { UpstreamFailure, type FailureKind, type HeaderRecord, type Target, type UpstreamReply, type UpstreamRequest } from "./target.ts";

export interface UrlTargetOptions {
  connectTimeoutMs: number;
  /** Until the response headers arrive, and between body chunks after that. */
  timeoutMs: number;
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

function failureKind(error: unknown, req: UpstreamRequest): FailureKind {
  if (req.signal.aborted) return "client-gone";
  // The client's streamed body had not all arrived: the stall or break is the client's, not ours.
  if (!req.bodyComplete()) return "client-body";
  // No connection was made, so nothing was sent: the request may still go to another target.
  if (error instanceof errors.ConnectTimeoutError) return "connect";
  if (isTimeout(error)) return "timeout";
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "EAI_AGAIN") return "connect";
  return "reset";
}

/** A target behind a URL, through a keep-alive connection pool with connect and response timeouts. */
export function urlTarget(name: string, baseUrl: string, options: UrlTargetOptions): Target {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  // One pool per target (a target is one origin): no per-request lookup of the origin's pool.
  const pool = new Pool(base.origin, {
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    name,
    address: baseUrl,
    async send(req: UpstreamRequest): Promise<UpstreamReply> {
      try {
        const upstream = await pool.request({
          path: `${basePath}${req.pathAndQuery}`,
          method: req.method as Dispatcher.HttpMethod,
          headers: req.headers,
          body: req.body instanceof Uint8Array ? req.body : req.body ? Readable.fromWeb(req.body as import("node:stream/web").ReadableStream) : null,
          signal: req.signal,
        });
        const headers = upstream.headers as HeaderRecord;
        if (req.method === "HEAD" || NO_BODY_STATUSES.has(upstream.statusCode)) {
          upstream.body.resume();
          return { status: upstream.statusCode, headers, body: null };
        }
        return { status: upstream.statusCode, headers, body: upstream.body };
      } catch (error) {
        const kind = failureKind(error, req);
        throw new UpstreamFailure(name, kind, `${kind}: ${(error as Error).message}`);
      }
    },
    close: () => pool.close(),
  };
}
