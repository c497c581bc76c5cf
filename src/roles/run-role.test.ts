import { request } from "node:http";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startTestRole } from "../testing/test-platform.ts";

describe("startRole", () => {
  it("stops gracefully: a request whose body is still arriving completes, then the port refuses connections", async () => {
    const role = await startTestRole("monolith");
    const port = role.ports.monolith!;
    const body = JSON.stringify({ username: "slow_sender", email: "slow@stop.example" });
    // Headers and half the body now, the rest after stop() has begun: the request is truly in flight.
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/users", headers: { "content-length": Buffer.byteLength(body) } });
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = role.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.end(body.slice(10));
    const { status, text } = await reply;
    expect(status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ username: "slow_sender" });
    await stopping;
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it("fails with the port named when a port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startTestRole("monolith", { PORT: String(port) })).rejects.toThrow(`monolith: cannot listen on 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });
});
