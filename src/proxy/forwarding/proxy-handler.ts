import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";
import { peerAddress } from "../../adapters/http-server/pipeline/client-address.ts";
import { AppError } from "../../contracts/app-error.ts";
import { callerIdentity } from "../routing/caller-identity.ts";
import { UpstreamFailure, type UpstreamRequest } from "../targets/target.ts";
import { headersOf } from "../targets/upstream-reply.ts";
import { clientFacingError } from "./client-facing-error.ts";
import { ALLOW, clientBodyOf, forwardedBody, PROXIED, type EdgeDeps } from "./edge-request.ts";
import type { Forwarded } from "./forwarder.ts";
import { replyHeaders, upstreamHeaders } from "./forwarding-headers.ts";

// A small body of known length is handed to Hono whole: a buffer goes out on the server's fast path.
const BUFFER_UP_TO_BYTES = 64 * 1024;

async function wholeBody(body: Readable, target: string): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    throw clientFacingError(new UpstreamFailure(target, "reset", (error as Error).message));
  }
  return new Uint8Array(Buffer.concat(chunks));
}

async function asResponse({ reply, target, fallbackFrom }: Forwarded, requestId: string): Promise<Response> {
  const headers = headersOf(replyHeaders(reply.headers, { requestId, target, fallbackFrom }));
  const body = reply.body;
  if (!(body instanceof Readable)) return new Response(body, { status: reply.status, headers });
  const length = Number(reply.headers["content-length"] ?? Number.NaN);
  // ReadableStream.from, not Readable.toWeb: cancelling a toWeb stream on Node 20 leaves the source
  // pushing into a closed controller (ERR_INVALID_STATE); from() ends the iterator, which destroys it.
  const web = length <= BUFFER_UP_TO_BYTES ? await wholeBody(body, target) : (ReadableStream.from(body) as ReadableStream<Uint8Array>);
  return new Response(web, { status: reply.status, headers });
}

/**
 * The proxy as a Hono handler: what the Node edge leaves to Hono (in-process targets, percent-encoded
 * paths) and every call that does not come through a Node server (app.request in tests).
 */
export function proxyHandler({ registry, forward, identity, body: bodyLimits, rollouts }: EdgeDeps) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const route = registry.match(c.req.path);
    if (!route) throw AppError.notFound(`no route for ${c.req.method} ${c.req.path}`);
    if (!PROXIED.has(c.req.method)) {
      c.header("Allow", ALLOW);
      throw new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed; allowed: ${ALLOW}`);
    }
    const { key } = await callerIdentity({ path: c.req.path, authorization: c.req.header("authorization"), userId: c.req.header("x-user-id") }, route, identity);
    const body = await clientBodyOf(c.req.method, () => c.req.raw.body, c.req.header("content-length"), bodyLimits);
    const url = new URL(c.req.url);
    const requestId = c.get("requestId");
    const request: UpstreamRequest = {
      method: c.req.method,
      pathAndQuery: `${url.pathname}${url.search}`,
      headers: upstreamHeaders(Object.fromEntries(c.req.raw.headers), { address: peerAddress(c), protocol: url.protocol === "https:" ? "https" : "http", requestId }),
      ...forwardedBody(body),
      signal: c.req.raw.signal,
    };
    rollouts?.afterReply((c.env as { outgoing?: ServerResponse } | undefined)?.outgoing, route, request);
    return asResponse(await forward(route, key, request, requestId), requestId);
  };
}
