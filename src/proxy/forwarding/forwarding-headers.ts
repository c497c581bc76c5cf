import type { HeaderRecord } from "../targets/target.ts";

// RFC 9110 §7.6.1: these describe one connection, not the message, and must not be forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/** Header fields as a request arrives: Node's `IncomingMessage.headers`, or a web Headers turned into one. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

// The hop-by-hop names plus any the Connection header names; the common case (none named) allocates nothing.
function dropped(connection: string | string[] | undefined): (name: string) => boolean {
  if (connection === undefined) return (name) => HOP_BY_HOP.has(name);
  const named = new Set(String(connection).split(",").map((h) => h.trim().toLowerCase()));
  return (name) => HOP_BY_HOP.has(name) || named.has(name);
}

export interface ClientFacts {
  /** The peer address of the client's connection. */
  address: string | undefined;
  protocol: "http" | "https";
  requestId: string;
}

/**
 * The headers the upstream receives: the client's end-to-end headers, X-Forwarded-For with this hop
 * appended, X-Forwarded-Proto/-Host kept when an outer proxy set them, and the request id. The
 * caller's Authorization goes on unchanged (every role verifies it itself); X-User-Id, the legacy
 * sticky key, stops here, so no upstream could mistake it for an identity.
 */
export function upstreamHeaders(incoming: IncomingHeaders, client: ClientFacts): Record<string, string> {
  const drop = dropped(incoming.connection);
  const headers: Record<string, string> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || drop(name) || name === "host" || name === "x-user-id") continue;
    headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  if (client.address) {
    const prior = headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${prior}, ${client.address}` : client.address;
  }
  headers["x-forwarded-proto"] ??= client.protocol;
  const host = incoming.host;
  if (headers["x-forwarded-host"] === undefined && typeof host === "string") headers["x-forwarded-host"] = host;
  headers["x-request-id"] = client.requestId;
  return headers;
}

export interface ServedFacts {
  requestId: string;
  /** The target that answered. */
  target: string;
  /** The service that failed first, when the legacy target answered in its place. */
  fallbackFrom?: string;
}

/** The client's reply headers: the upstream's end-to-end ones, saying which target served it and for which request. */
export function replyHeaders(upstream: HeaderRecord, served: ServedFacts): HeaderRecord {
  const drop = dropped(upstream.connection);
  const headers: HeaderRecord = {};
  for (const name in upstream) if (!drop(name)) headers[name] = upstream[name]!;
  headers["x-served-by"] = served.target;
  headers["x-request-id"] = served.requestId;
  if (served.fallbackFrom) headers["x-fallback-from"] = served.fallbackFrom;
  return headers;
}
