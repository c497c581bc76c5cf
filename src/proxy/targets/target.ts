/** One request as the gateway sends it to a target: already filtered and stamped with forwarding headers. */
export interface UpstreamRequest {
  method: string;
  /** Path and query, e.g. `/api/movies?id=1`. */
  pathAndQuery: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
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

export type FailureKind = "connect" | "timeout" | "reset" | "client-gone";

/** No response came from the target: the transport failed, it timed out, or the client left. */
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
