// RFC 9110 §7.6.1: these describe one connection, not the message, and must not be forwarded.
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

/** A copy without hop-by-hop headers, including any the Connection header names. */
export function withoutHopByHop(headers: Headers): Headers {
  const out = new Headers(headers);
  const named = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase());
  for (const name of [...HOP_BY_HOP, ...named]) if (name) out.delete(name);
  return out;
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
export function upstreamHeaders(incoming: Headers, client: ClientFacts): Headers {
  const headers = withoutHopByHop(incoming);
  const host = incoming.get("host");
  headers.delete("host");
  if (client.address) {
    const prior = incoming.get("x-forwarded-for");
    headers.set("x-forwarded-for", prior ? `${prior}, ${client.address}` : client.address);
  }
  if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", client.protocol);
  if (!headers.has("x-forwarded-host") && host) headers.set("x-forwarded-host", host);
  headers.set("x-request-id", client.requestId);
  headers.delete("x-user-id");
  return headers;
}
