import { createServer, type Server, type Socket } from "node:net";
import { listenOnLoopback } from "./listen-on-loopback.ts";

export type FakePostgresMode = "accept" | "wrong-password";

/** One backend message of the PostgreSQL wire protocol: a type byte, a length, the body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const authenticationOk = message("R", Buffer.from([0, 0, 0, 0]));
const readyForQuery = message("Z", Buffer.from("I"));
const passwordRefused = (user: string) =>
  message("E", Buffer.from(`SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "${user}"\0\0`, "latin1"));

/**
 * Just enough of a PostgreSQL server on 127.0.0.1 to answer a client's start-up: it lets every
 * connection in ("accept") or refuses the password ("wrong-password"), so connection handling can be
 * tested with no server installed. It can start late on a port chosen earlier, like a database that
 * comes up after the app.
 */
export class FakePostgres {
  mode: FakePostgresMode = "accept";
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private port = 0) {}

  url(user = "app", password = "s3cret"): string {
    return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/cinema`;
  }

  async start(): Promise<this> {
    const server = createServer((socket) => this.handle(socket));
    this.port = await listenOnLoopback(server, this.port);
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => {});
    socket.once("data", (startup) => {
      // The start-up message: length, protocol version, then "user\0<name>\0...".
      const fields = startup.subarray(8).toString("latin1").split("\0");
      const user = fields[fields.indexOf("user") + 1] ?? "";
      if (this.mode === "wrong-password") socket.end(passwordRefused(user));
      else socket.write(Buffer.concat([authenticationOk, readyForQuery]));
    });
  }
}
