import { describe, expect, it } from "vitest";
import { replyHeaders, upstreamHeaders } from "./forwarding-headers.ts";

const client = { address: undefined, protocol: "http" as const, requestId: "r" };

describe("forwarding headers", () => {
  it("drops hop-by-hop headers and those the Connection header names, both ways", () => {
    const incoming = { connection: "keep-alive, x-secret-hop", "keep-alive": "timeout=5", "x-secret-hop": "1", te: "trailers", upgrade: "h2c", accept: "application/json" };
    expect(Object.keys(upstreamHeaders(incoming, client))).toEqual(["accept", "x-forwarded-proto", "x-request-id"]);
    const reply = replyHeaders({ ...incoming, "transfer-encoding": "chunked", "set-cookie": ["a=1", "b=2"] }, { requestId: "r", target: "monolith" });
    expect(reply).toEqual({ accept: "application/json", "set-cookie": ["a=1", "b=2"], "x-served-by": "monolith", "x-request-id": "r" });
  });

  it("appends this hop to X-Forwarded-For, keeps an outer proxy's proto and host, sets the request id", () => {
    const h = upstreamHeaders({ host: "cinema.example", "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", authorization: "Bearer t" }, {
      address: "127.0.0.1",
      protocol: "http",
      requestId: "req-1",
    });
    expect(h).toEqual({
      authorization: "Bearer t",
      "x-forwarded-for": "203.0.113.9, 127.0.0.1",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "cinema.example",
      "x-request-id": "req-1",
    });
  });

  it("stops the legacy X-User-Id (a routing key only) and passes the caller's Authorization unchanged", () => {
    const h = upstreamHeaders({ "x-user-id": "999", authorization: "Bearer abc.def.ghi" }, client);
    expect(h["x-user-id"]).toBeUndefined();
    expect(h.authorization).toBe("Bearer abc.def.ghi");
  });

  it("names the fallback's first target when the legacy one answered in its place", () => {
    expect(replyHeaders({}, { requestId: "r", target: "monolith", fallbackFrom: "movies" })).toEqual({ "x-served-by": "monolith", "x-request-id": "r", "x-fallback-from": "movies" });
  });
});
