/** One request as the gateway sends it to a target: already filtered and stamped with forwarding headers. */
export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/api/movies?id=1`. */
  pathAndQuery: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null;
  /** For a streamed body: whether the client has sent all of it (a stall is then the client's fault). */
  bodyComplete(): boolean;
  /** Aborted when the client goes away: the upstream call stops too. */
  signal: AbortSignal;
}

/** Where a route's traffic can go: a URL, or a Hono app in this process (no network hop). */
export interface Target {
  readonly name: string;
  /** The URL, or "in-process". */
  readonly address: string;
  /** Sends the request; resolves with the upstream's response, rejects with UpstreamFailure when none came. */
  send(request: UpstreamRequest): Promise<Response>;
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
