import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./listen-on-loopback.ts";

/** What a scripted service answers: a status, a JSON body, an optional delay before the headers. */
export interface ScriptedReply {
  status?: number;
  body: unknown;
  delayMs?: number;
  /** Holds the body this long after the headers went out. */
  bodyDelayMs?: number;
}

export interface ScriptedRequest {
  /** This service's request counter, from 1. */
  n: number;
  path: string;
  shadow: boolean;
  requestId: string | undefined;
  arrivedAt: number;
}

/**
 * A service for rollout tests on 127.0.0.1 whose every answer a function decides from the request
 * and its counter: deterministic failures (every 20th), latency, differing fields. Killable.
 */
export class ScriptedService {
  readonly seen: ScriptedRequest[] = [];
  private server: Server | undefined;
  private port = 0;
  private n = 0;

  constructor(
    readonly name: string,
    public script: (request: ScriptedRequest) => ScriptedReply | "hang",
  ) {}

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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const request: ScriptedRequest = {
      n: ++this.n,
      path: req.url!,
      shadow: req.headers["x-shadow-request"] === "1",
      requestId: req.headers["x-request-id"] as string | undefined,
      arrivedAt: performance.now(),
    };
    this.seen.push(request);
    req.resume();
    const reply = this.script(request);
    if (reply === "hang") return;
    const send = () => {
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", "x-upstream": this.name });
      const body = JSON.stringify(reply.body);
      if (!reply.bodyDelayMs) return void res.end(body);
      res.flushHeaders();
      setTimeout(() => res.end(body), reply.bodyDelayMs);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  }
}
