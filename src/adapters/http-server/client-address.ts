import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";

/** The peer address of the request's socket; undefined for an in-process call (app.request, app.fetch). */
export function peerAddress(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * The client's address as far as we can trust it: the last X-Forwarded-For entry, the one our own
 * gateway appended (earlier entries are whatever the client claimed), else the socket's peer.
 */
export function clientAddress(c: Context<AppEnv>): string | undefined {
  return c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim() || peerAddress(c);
}
