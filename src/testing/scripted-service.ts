import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "./loopback-server.ts";

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
export class ScriptedService extends LoopbackServer {
  readonly seen: ScriptedRequest[] = [];
  private n = 0;

  constructor(
    readonly name: string,
    public script: (request: ScriptedRequest) => ScriptedReply | "hang",
  ) {
    super();
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
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
