import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../contracts/app-error.ts";
import { RemoteClient, TransportFailure } from "./remote-client.ts";
import { runInRequest } from "../request-context/request-context.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

/** A server whose handler decides per request number; resolves with its URL and the requests it saw. */
async function serve(handle: (n: number, req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) {
  const seen: { method: string; headers: import("node:http").IncomingHttpHeaders }[] = [];
  server = createServer((req, res) => {
    seen.push({ method: req.method!, headers: req.headers });
    req.resume();
    handle(seen.length, req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

const Thing = z.object({ id: z.number() });
const options = { connectTimeoutMs: 500, timeoutMs: 300, retries: 2 };

describe("RemoteClient", () => {
  it("parses a reply with the contract's schema", async () => {
    const { url } = await serve((_n, _req, res) => res.end('{"id": 7, "extra": true}'));
    expect(await new RemoteClient("things", url, options).call("GET", "/t", Thing)).toEqual({ id: 7 });
  });

  it("turns the error envelope back into the same AppError, by code", async () => {
    const { url } = await serve((_n, _req, res) => res.writeHead(404).end('{"error":"user 9 not found","code":"NOT_FOUND","requestId":"r"}'));
    const failure = await new RemoteClient("users", url, options).call("GET", "/u", Thing).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).not.toBeInstanceOf(TransportFailure);
    expect(failure).toMatchObject({ code: "NOT_FOUND", message: "user 9 not found", status: 404 });
  });

  it.each([
    ["no envelope", "<html>502 Bad Gateway</html>"],
    ["a code this platform does not have", '{"error":"nope","code":"TEAPOT"}'],
    ["no message", '{"code":"NOT_FOUND"}'],
  ])("answers BAD_GATEWAY for an error reply with %s, not a made-up domain error", async (_what, body) => {
    const { url } = await serve((_n, _req, res) => res.writeHead(500).end(body));
    await expect(new RemoteClient("users", url, options).call("GET", "/u", Thing)).rejects.toMatchObject({
      code: "BAD_GATEWAY",
      message: "users answered 500 without an error envelope",
    });
  });

  it("refuses a reply of the wrong shape as BAD_GATEWAY", async () => {
    const { url } = await serve((_n, _req, res) => res.end('{"id": "seven"}'));
    await expect(new RemoteClient("things", url, options).call("GET", "/t", Thing)).rejects.toMatchObject({ code: "BAD_GATEWAY" });
  });

  it("retries an idempotent call after a transport failure", async () => {
    const { url, seen } = await serve((n, req, res) => (n < 3 ? req.socket.destroy() : res.end('{"id": 1}')));
    expect(await new RemoteClient("things", url, options).call("GET", "/t", Thing)).toEqual({ id: 1 });
    expect(seen).toHaveLength(3);
  });

  it("never retries a write, and tells the transport failure apart", async () => {
    const { url, seen } = await serve((_n, req) => req.socket.destroy());
    const failure = await new RemoteClient("things", url, options).call("POST", "/t", Thing, { a: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect(failure).toMatchObject({ code: "UNAVAILABLE", service: "things" });
    expect(seen).toHaveLength(1);
  });

  it("gives up on a silent service after the timeout", async () => {
    const { url } = await serve(() => {});
    const started = Date.now();
    const failure = await new RemoteClient("slow", url, { ...options, retries: 0 }).call("GET", "/t", Thing).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect((failure as Error).message).toContain("timed out");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("reports a refused connection as a transport failure", async () => {
    const { url } = await serve(() => {});
    server!.close();
    server = undefined;
    await expect(new RemoteClient("gone", url, { ...options, retries: 0 }).call("GET", "/t", Thing)).rejects.toBeInstanceOf(TransportFailure);
  });

  it("carries the request id and the caller's own Authorization to the next hop, never an X-User-Id", async () => {
    const { url, seen } = await serve((_n, _req, res) => res.end('{"id": 1}'));
    const context = { requestId: "req-42", caller: { userId: 7, role: "user" as const }, authorization: "Bearer the-callers-token" };
    await runInRequest(context, () => new RemoteClient("things", url, options).call("GET", "/t", Thing));
    expect(seen[0]!.headers).toMatchObject({ "x-request-id": "req-42", authorization: "Bearer the-callers-token" });
    expect(seen[0]!.headers["x-user-id"]).toBeUndefined();
  });
});
