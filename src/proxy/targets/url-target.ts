import { Readable } from "node:stream";
import { Agent, errors, request } from "undici";
import { isTimeout } from "../../adapters/http-client/transport-errors.ts";
import { UpstreamFailure, type FailureKind, type Target, type UpstreamRequest } from "./target.ts";

export interface UrlTargetOptions {
  connectTimeoutMs: number;
  /** Until the response headers arrive, and between body chunks after that. */
  timeoutMs: number;
}

const BUFFER_UP_TO_BYTES = 64 * 1024;
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

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** A target behind a URL, through a keep-alive connection pool with connect and response timeouts. */
export function urlTarget(name: string, baseUrl: string, options: UrlTargetOptions): Target {
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return {
    name,
    address: baseUrl,
    async send(req: UpstreamRequest): Promise<Response> {
      try {
        const upstream = await request(new URL(`${basePath}${req.pathAndQuery}`, base.origin), {
          method: req.method as "GET",
          headers: Object.fromEntries(req.headers),
          body: req.body instanceof Uint8Array ? req.body : req.body ? Readable.fromWeb(req.body as import("node:stream/web").ReadableStream) : null,
          signal: req.signal,
          dispatcher: agent,
        });
        const headers = responseHeaders(upstream.headers);
        const noBody = req.method === "HEAD" || NO_BODY_STATUSES.has(upstream.statusCode);
        if (noBody) {
          upstream.body.resume();
          return new Response(null, { status: upstream.statusCode, headers });
        }
        // A small body of known length is read whole: a buffer goes out on the server's fast path,
        // where a stream costs a web-stream conversion each way. Anything else streams.
        const length = Number(upstream.headers["content-length"] ?? Number.NaN);
        if (length <= BUFFER_UP_TO_BYTES) {
          return new Response(await upstream.body.arrayBuffer(), { status: upstream.statusCode, headers });
        }
        // ReadableStream.from, not Readable.toWeb: cancelling a toWeb stream on Node 20 leaves the source
        // pushing into a closed controller (ERR_INVALID_STATE); from() ends the iterator, which destroys it.
        return new Response(ReadableStream.from(upstream.body) as ReadableStream<Uint8Array>, { status: upstream.statusCode, headers });
      } catch (error) {
        const kind = failureKind(error, req);
        throw new UpstreamFailure(name, kind, `${kind}: ${(error as Error).message}`);
      }
    },
    close: () => agent.close(),
  };
}
