import { describe, expect, it } from "vitest";
import { upstreamHeaders, withoutHopByHop } from "./forwarding-headers.ts";

describe("forwarding headers", () => {
  it("drops hop-by-hop headers and those the Connection header names", () => {
    const h = withoutHopByHop(
      new Headers({ connection: "keep-alive, x-secret-hop", "keep-alive": "timeout=5", "x-secret-hop": "1", te: "trailers", upgrade: "h2c", accept: "application/json" }),
    );
    expect([...h.keys()]).toEqual(["accept"]);
  });

  it("appends this hop to X-Forwarded-For, keeps an outer proxy's proto and host, sets the request id", () => {
    const h = upstreamHeaders(new Headers({ host: "cinema.example", "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", authorization: "Bearer t" }), {
      address: "127.0.0.1",
      protocol: "http",
      requestId: "req-1",
    });
    expect(Object.fromEntries(h)).toEqual({
      authorization: "Bearer t",
      "x-forwarded-for": "203.0.113.9, 127.0.0.1",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "cinema.example",
      "x-request-id": "req-1",
    });
  });

  it("stops the legacy X-User-Id (a routing key only) and passes the caller's Authorization unchanged", () => {
    const client = { address: undefined, protocol: "http" as const, requestId: "r" };
    const h = upstreamHeaders(new Headers({ "x-user-id": "999", authorization: "Bearer abc.def.ghi" }), client);
    expect(h.has("x-user-id")).toBe(false);
    expect(h.get("authorization")).toBe("Bearer abc.def.ghi");
  });
});
