import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./listen-on-loopback.ts";

/**
 * A test server on 127.0.0.1 that can be killed and brought back on the same port, like a
 * restarted service; subclasses say how it answers.
 */
export abstract class LoopbackServer {
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    this.port = await listenOnLoopback(server, this.port);
    this.server = server;
    return this;
  }

  /** Stops at once: open connections are cut, new ones refused. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): void;
}
