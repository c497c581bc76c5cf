import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "./loopback-server.ts";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  bodyBytes: number;
  /** True when the connection closed before the reply was sent (the caller went away). */
  abandoned: boolean;
}

export type UpstreamMode = "ok" | "fail" | "slow" | "reset";

/**
 * An upstream for gateway tests on 127.0.0.1. It answers JSON naming itself, echoes bodies on
 * /echo, streams N bytes on /bytes?n=N, answers 500 in "fail" mode, never answers in "slow" mode, and
 * cuts the connection once the whole request has arrived in "reset" mode.
 * It can be killed and brought back on the same port, like a restarted service.
 */
export class FakeUpstream extends LoopbackServer {
  readonly seen: SeenRequest[] = [];
  mode: UpstreamMode = "ok";
  /** The next this many requests are cut as in "reset" mode, whatever the mode. */
  resetNext = 0;

  constructor(readonly name: string) {
    super();
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const record: SeenRequest = { method: req.method!, url: req.url!, headers: req.headers, bodyBytes: 0, abandoned: false };
    this.seen.push(record);
    res.on("close", () => (record.abandoned = !res.writableFinished));
    const path = new URL(req.url!, "http://x").pathname;
    if (this.mode === "slow") return void req.resume();
    if (path === "/api/movies/echo") {
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/octet-stream", "x-upstream": this.name });
      req.on("data", (chunk: Buffer) => (record.bodyBytes += chunk.length));
      req.pipe(res);
      return;
    }
    req.on("data", (chunk: Buffer) => (record.bodyBytes += chunk.length));
    req.on("end", () => {
      if (this.mode === "reset" || (this.resetNext > 0 && this.resetNext--)) return void req.socket.destroy();
      if (this.mode === "fail") {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: `${this.name} failed` }));
        return;
      }
      const n = Number(new URL(req.url!, "http://x").searchParams.get("bytes") ?? "0");
      if (n > 0) return void this.stream(res, n);
      res.writeHead(200, { "content-type": "application/json", connection: "keep-alive", "keep-alive": "timeout=5", "x-upstream": this.name });
      res.end(JSON.stringify({ servedBy: this.name, method: req.method, url: req.url, headers: req.headers, bodyBytes: record.bodyBytes }));
    });
  }

  private stream(res: ServerResponse, n: number): void {
    res.writeHead(200, { "content-type": "application/octet-stream", "x-upstream": this.name });
    const chunk = Buffer.alloc(64 * 1024, 120);
    let left = n;
    const write = () => {
      while (left > 0) {
        const piece = chunk.subarray(0, Math.min(left, chunk.length));
        left -= piece.length;
        if (!res.write(piece)) return void res.once("drain", write);
      }
      res.end();
    };
    write();
  }
}
