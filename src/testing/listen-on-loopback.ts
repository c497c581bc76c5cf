import type { AddressInfo, Server } from "node:net";

/** Listens on 127.0.0.1 (port 0: any free one) and resolves with the bound port. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
