import { createServer, type RequestListener, type Server, type ServerOptions } from "node:http";
import { Server as NetServer } from "node:net";
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
const netServerClose = NetServer.prototype.close;

// Set on a server once it stops: every reply from then on closes its connection.
const draining = new WeakSet<Server>();

// The node server's hook for making the server: replies say "Connection: close" once the server is
// draining, so a client retires a connection after its last reply instead of racing our close.
// The listener's edge, when it has one (the gateway's, a module's), goes in front of Hono's request listener.
function serverMaker(edge: Listener["edge"]): typeof createServer {
  return ((options: ServerOptions, app: RequestListener) => {
    const handle = edge ? edge(app) : app;
    const server: Server = createServer(options, (req, res) => {
      if (draining.has(server)) res.setHeader("connection", "close");
      handle(req, res);
    });
    return server;
  }) as typeof createServer;
}

function listenOne(listener: Listener, host: string, timeouts: ServerTimeouts): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: listener.app.fetch,
      createServer: serverMaker(listener.edge),
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

/**
 * Stops accepting, answers what comes on open connections with "Connection: close", keeps idle
 * keep-alive connections for `idleGraceMs` (their clients drop them first), then closes those as they
 * turn idle; whatever is left at `timeoutMs` is cut.
 */
function closeGracefully(server: Server, timeoutMs: number, idleGraceMs: number): Promise<void> {
  return new Promise((resolve) => {
    draining.add(server);
    let sweep: NodeJS.Timeout | undefined;
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    const grace = setTimeout(() => {
      server.closeIdleConnections();
      // A socket turns idle when its in-flight request ends: sweep until the close is done.
      sweep = setInterval(() => server.closeIdleConnections(), 50);
    }, idleGraceMs);
    // net.Server's close, not http.Server's: that one closes idle keep-alive connections at once.
    netServerClose.call(server, () => {
      clearTimeout(force);
      clearTimeout(grace);
      clearInterval(sweep);
      // No connection is left: http's close now only stops its timeout checks.
      server.close();
      resolve();
    });
  });
}

/** Opens every listener of a role; if one port is taken, closes the others and fails. */
export async function listen(listeners: Listener[], host: string, timeouts: ServerTimeouts, log: Logger): Promise<Listening> {
  const results = await Promise.allSettled(listeners.map((l) => listenOne(l, l.host ?? host, timeouts)));
  const servers = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((s) => closeGracefully(s, 0, 0)));
    throw failed.reason;
  }
  const ports: Record<string, number> = {};
  servers.forEach((server, i) => {
    const address = server.address();
    const name = listeners[i]!.name;
    ports[name] = typeof address === "object" && address ? address.port : listeners[i]!.port;
    log.info({ service: name, host: listeners[i]!.host ?? host, port: ports[name] }, "listening");
  });
  return { ports, close: async (timeoutMs) => void (await Promise.all(servers.map((s) => closeGracefully(s, timeoutMs, Math.min(timeouts.drainIdleMs, timeoutMs))))) };
}
