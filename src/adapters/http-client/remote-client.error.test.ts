import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { RemoteClient, TransportFailure } from "./remote-client.ts";

const closedPort = async () => {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe("RemoteClient when nothing answers", () => {
  it("says which service is unavailable, and leaves its address and the driver's words to the log", async () => {
    const port = await closedPort();
    const client = new RemoteClient("users-service", `http://127.0.0.1:${port}`, { connectTimeoutMs: 500, timeoutMs: 500, retries: 0 });
    const failure = await client.call("GET", "/api/users", z.unknown()).catch((e: unknown) => e);
    await client.close();
    expect(failure).toBeInstanceOf(TransportFailure);
    expect(failure).toMatchObject({ code: "UNAVAILABLE", message: "users-service unavailable", detail: expect.stringContaining(String(port)) });
  });
});
