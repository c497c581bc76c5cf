import type { Readable } from "node:stream";
import type { ClientGone } from "./client-gone.ts";

/** Header fields by lower-case name, as Node's http module and undici carry them. */
export type HeaderRecord = Record<string, string | string[]>;

/** One request as the gateway sends it to a target: already filtered and stamped with forwarding headers. */
export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/api/movies?id=1`. */
  pathAndQuery: string;
  /** Lower-case names, one value each. */
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null;
  /** For a streamed body: whether the client has sent all of it (a stall is then the client's fault). */
  bodyComplete(): boolean;
  /**
   * Aborted when the client goes away: the upstream call stops too. The Node edge's lighter
   * ClientGone only ever reaches URL targets (in-process targets are served through Hono).
   */
  signal: AbortSignal | ClientGone;
}

/**
 * A target's answer as it came: a URL target's body is the socket's Node stream, an in-process
 * app's the web stream of its Response, so neither is converted on the way to the client.
 */
export interface UpstreamReply {
  status: number;
  /** As the target sent them, hop-by-hop fields included: the gateway's edge drops those. */
  headers: HeaderRecord;
  /** Null when there is none (HEAD, 204, 304). */
  body: Readable | ReadableStream<Uint8Array> | null;
}

/** Where a route's traffic can go: a URL, or a Hono app in this process (no network hop). */
export interface Target {
  readonly name: string;
  /** The URL, or "in-process". */
  readonly address: string;
  /** Sends the request; resolves with the upstream's reply, rejects with UpstreamFailure when none came. */
  send(request: UpstreamRequest): Promise<UpstreamReply>;
  close(): Promise<void>;
}

/**
 * Why no response came. Only `connect`, `timeout` and `reset` are the target's own faults;
 * `client-gone` (the client left) and `client-body` (the client's streamed body stalled or broke
 * before it was all sent) say nothing about the target's health.
 */
export type FailureKind = "connect" | "timeout" | "reset" | "client-gone" | "client-body";

/** No response came from the target: the transport failed, it timed out, or the client failed us. */
export class UpstreamFailure extends Error {
  override name = "UpstreamFailure";
  constructor(
    readonly target: string,
    readonly kind: FailureKind,
    message: string,
  ) {
    super(`${target}: ${message}`);
  }
}
