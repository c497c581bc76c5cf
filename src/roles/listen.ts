import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";
import { serve } from "@hono/node-server";
import type { ServerTimeouts } from "../config/config.ts";
import type { Logger } from "../adapters/logging/logger.ts";
import type { Listener } from "./roles.ts";

export interface Listening {
  /** The bound port of each listener by name (the real one when 0 asked for any free port). */
  ports: Record<string, number>;
  /** Stops accepting, lets in-flight requests finish for up to timeoutMs, then cuts what is left. */
  close(timeoutMs: number): Promise<void>;
}

// Node checks the header and request timeouts on this period (30 s by default), which would let a
// slowloris connection live up to half a minute past its bound.
const TIMEOUT_CHECK_MS = 1_000;

// The node server's hook for making the server: the edge goes in front of Hono's request listener.
function withEdge(edge: NonNullable<Listener["edge"]>): typeof createServer {
  return ((options: ServerOptions, app: RequestListener) => createServer(options, edge(app))) as typeof createServer;
}

function listenOne(listener: Listener, host: string, timeouts: ServerTimeouts): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: listener.app.fetch,
      ...(listener.edge ? { createServer: withEdge(listener.edge) } : {}),
      port: listener.port,
      hostname: host,
      serverOptions: {
        headersTimeout: timeouts.headersMs,
        requestTimeout: timeouts.requestMs,
        keepAliveTimeout: timeouts.keepAliveMs,
        connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, timeouts.headersMs),
      },
    }) as Server;
    server.once("listening", () => resolve(server));
    server.once("error", (error) => reject(new Error(`${listener.name}: cannot listen on ${host}:${listener.port}: ${error.message}`)));
  });
}

function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive sockets with no request in flight would hold close() open until they time out,
    // and a socket turns idle when its in-flight request ends: sweep until close() is done.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Opens every listener of a role; if one port is taken, closes the others and fails. */
export async function listen(listeners: Listener[], host: string, timeouts: ServerTimeouts, log: Logger): Promise<Listening> {
  const results = await Promise.allSettled(listeners.map((l) => listenOne(l, l.host ?? host, timeouts)));
  const servers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((s) => closeGracefully(s, 0)));
    throw failed.reason;
  }
  const ports: Record<string, number> = {};
  servers.forEach((server, i) => {
    const address = server.address();
    const name = listeners[i]!.name;
    ports[name] = typeof address === "object" && address ? address.port : listeners[i]!.port;
    log.info({ service: name, host: listeners[i]!.host ?? host, port: ports[name] }, "listening");
  });
  return { ports, close: async (timeoutMs) => void (await Promise.all(servers.map((s) => closeGracefully(s, timeoutMs)))) };
}
