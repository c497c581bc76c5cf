import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRole } from "../testing/test-platform.ts";
import type { RunningRole } from "./run-role.ts";

// Raw sockets on 127.0.0.1, as a slowloris client would use them.
let role: RunningRole;
beforeAll(async () => {
  role = await startTestRole("monolith", { HTTP_HEADERS_TIMEOUT_MS: "500", HTTP_REQUEST_TIMEOUT_MS: "1500", HTTP_KEEP_ALIVE_TIMEOUT_MS: "300" });
});
afterAll(() => role.stop());

function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(role.ports.monolith!, "127.0.0.1", () => resolve({ socket, received: () => text, closed }));
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.once("error", reject);
    const closed = new Promise<number>((done) => socket.once("close", () => done(Date.now() - started)));
  });
}

/** Writes one byte every interval until the socket closes or `count` bytes went out. */
async function trickle(socket: Socket, bytes: string, intervalMs: number): Promise<void> {
  for (const byte of bytes) {
    if (socket.destroyed || socket.writableEnded) return;
    socket.write(byte);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe("listener timeouts", () => {
  it("closes a connection whose request head trickles in slower than HTTP_HEADERS_TIMEOUT_MS, with 408", async () => {
    const { socket, received, closed } = await open();
    socket.write("GET /health HTTP/1.1\r\nHost: x\r\n");
    void trickle(socket, "X-Slow: " + "a".repeat(60), 100);
    const after = await closed;
    expect(after).toBeLessThan(3_000);
    expect(received()).toContain("408");
  });

  it("closes a connection whose body trickles in slower than HTTP_REQUEST_TIMEOUT_MS", async () => {
    const { socket, closed } = await open();
    socket.write("POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n");
    void trickle(socket, "x".repeat(60), 100);
    expect(await closed).toBeLessThan(4_000);
  });

  it("closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS", async () => {
    const { socket, received, closed } = await open();
    socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const after = await closed;
    expect(received()).toContain('{"status":true}');
    expect(after).toBeLessThan(2_000);
  });
});

describe("graceful stop", () => {
  it("keeps an idle keep-alive connection through SHUTDOWN_IDLE_GRACE_MS, serving what comes on it with Connection: close", async () => {
    const stopping = await startTestRole("proxy", { MONOLITH_URL: "http://127.0.0.1:9", SHUTDOWN_IDLE_GRACE_MS: "1500" });
    const port = stopping.ports.gateway!;
    const { socket, received, closed } = await new Promise<{ socket: Socket; received: () => string; closed: Promise<void> }>((resolve, reject) => {
      let text = "";
      const socket = connect(port, "127.0.0.1", () => resolve({ socket, received: () => text, closed }));
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.once("error", reject);
      const closed = new Promise<void>((done) => socket.once("close", () => done()));
    });
    try {
      socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      await expect.poll(received).toContain("Strangler Fig Proxy is healthy");
      expect(received()).not.toMatch(/connection: close/i);
      // The client's next request races the stop on its idle connection, as a pooled upstream
      // connection of a gateway does when a pod terminates: it must be served, not reset.
      const stopped = stopping.stop();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = received().length;
      socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      await closed;
      const second = received().slice(before);
      expect(second).toMatch(/^HTTP\/1\.1 200/);
      expect(second).toMatch(/connection: close/i);
      await stopped;
    } finally {
      socket.destroy();
    }
  });
});
