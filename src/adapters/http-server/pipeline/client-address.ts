import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { InjectionToken } from "tsyringe";
import type { AppEnv } from "../app-env.ts";

/** The configured TRUSTED_PROXY_HOPS, for the routes that need to know who the client is. */
export const TRUSTED_PROXY_HOPS: InjectionToken<number> = Symbol("TrustedProxyHops");

/** The peer address of the request's socket; undefined for an in-process call (app.request, app.fetch). */
export function peerAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Where a request came from, as far as this process can trust it. */
export interface ClientOrigin {
  /** The client's address; undefined only for an in-process call that names none. */
  address: string | undefined;
  /**
   * The X-Forwarded-For to send a service behind this process, so that it finds the same client
   * with the same TRUSTED_PROXY_HOPS (one more where this process trusts none).
   */
  forwardedFor: string | undefined;
}

/**
 * The client among the X-Forwarded-For entries and the socket's peer, as Envoy's
 * xff_num_trusted_hops: skip the `trustedHops` nearest addresses (proxies we trust, each of which
 * appended the peer it saw) and take the next. Entries further left are whatever the client wrote.
 * With 0 the peer is the client. A chain shorter than the trusted hops (a proxy that did not
 * append) gives the nearest address, which nobody outside can forge.
 *
 * An in-process call (the all-in-one's gateway, tests) has no socket: our own gateway already
 * appended the peer it saw, so the chain is the header alone and that hop is not counted.
 */
export function clientOrigin(c: Context<AppEnv>, trustedHops: number): ClientOrigin {
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const peer = peerAddress(c);
  const chain = peer ? [...forwarded, peer] : forwarded;
  const address = chain.at(-1 - trustedHops) ?? chain.at(-1);
  // Trusting hops, this process stands in for the trusted peer that called it, so the service
  // behind counts the same hops; trusting none, its peer is the client and must be passed on.
  const relayed = peer && trustedHops === 0 ? chain : forwarded;
  return { address, forwardedFor: relayed.length > 0 ? relayed.join(", ") : undefined };
}
