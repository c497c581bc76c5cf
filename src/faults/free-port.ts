import { createServer } from "node:net";
import { listenOnLoopback } from "../testing/listen-on-loopback.ts";

/** A loopback port free right now, for a child process to bind (the child cannot answer port 0 back). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server, 0);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
