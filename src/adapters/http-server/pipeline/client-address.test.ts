import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../app-env.ts";
import { clientOrigin, type ClientOrigin } from "./client-address.ts";

const app = new Hono<AppEnv>().get("/origin/:hops", (c) => c.json(clientOrigin(c, Number(c.req.param("hops")))));

/** What this process makes of a request from `peer` (none: in-process) carrying `xff`, trusting `hops`. */
async function origin(hops: number, xff: string | undefined, peer?: string): Promise<Partial<ClientOrigin>> {
  const headers: Record<string, string> = xff === undefined ? {} : { "x-forwarded-for": xff };
  // What @hono/node-server's getConnInfo reads: the socket of the incoming request.
  const env = peer ? { incoming: { socket: { remoteAddress: peer, remotePort: 40000, remoteFamily: "IPv4" } } } : undefined;
  return (await app.request(`/origin/${hops}`, { headers }, env)).json() as Promise<Partial<ClientOrigin>>;
}

describe("clientOrigin (TRUSTED_PROXY_HOPS, as Envoy's xff_num_trusted_hops)", () => {
  it("with 0 hops the socket's peer is the client, whatever the header claims, and is passed on", async () => {
    expect(await origin(0, "1.1.1.1, 2.2.2.2", "203.0.113.5")).toEqual({ address: "203.0.113.5", forwardedFor: "1.1.1.1, 2.2.2.2, 203.0.113.5" });
    expect(await origin(0, undefined, "203.0.113.5")).toEqual({ address: "203.0.113.5", forwardedFor: "203.0.113.5" });
  });

  it("with n hops skips the n nearest addresses; what the client wrote further left is ignored", async () => {
    // client claims 6.6.6.6; the ingress appended 203.0.113.5; the gateway (peer 10.0.0.2) appended the ingress 10.0.0.1
    expect(await origin(2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "10.0.0.2")).toEqual({ address: "203.0.113.5", forwardedFor: "6.6.6.6, 203.0.113.5, 10.0.0.1" });
    expect(await origin(1, "6.6.6.6, 203.0.113.5", "10.0.0.2")).toMatchObject({ address: "203.0.113.5" });
  });

  it("passes on a header from which a service behind, trusting the same hops, picks the same client", async () => {
    const atMonolith = await origin(2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "10.0.0.2");
    expect(await origin(2, atMonolith.forwardedFor, "10.0.0.3")).toMatchObject({ address: "203.0.113.5" });
    // Trusting none, the next service trusts one: this process.
    const atLoneMonolith = await origin(0, "6.6.6.6", "203.0.113.5");
    expect(await origin(1, atLoneMonolith.forwardedFor, "10.0.0.3")).toMatchObject({ address: "203.0.113.5" });
  });

  it("falls back to the nearest address when the chain is shorter than the trusted hops", async () => {
    expect(await origin(3, "203.0.113.5", "10.0.0.2")).toMatchObject({ address: "10.0.0.2" });
    expect(await origin(1, undefined, "10.0.0.2")).toMatchObject({ address: "10.0.0.2" });
  });

  it("in process (the all-in-one's gateway, tests) the header's last entry is the one our gateway appended", async () => {
    expect(await origin(0, "6.6.6.6, 203.0.113.5")).toEqual({ address: "203.0.113.5", forwardedFor: "6.6.6.6, 203.0.113.5" });
    expect(await origin(1, "203.0.113.5, 10.0.0.1")).toMatchObject({ address: "203.0.113.5" });
    expect(await origin(0, undefined)).toEqual({});
    expect(await origin(0, " , ")).toEqual({});
  });
});
