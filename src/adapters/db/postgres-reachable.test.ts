import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { FakePostgres } from "../../testing/fake-postgres.ts";
import { DatabaseUnreachable, describeFailure, waitForPostgres } from "./postgres-reachable.ts";

const fakes: FakePostgres[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

async function fake(): Promise<FakePostgres> {
  const started = await new FakePostgres().start();
  fakes.push(started);
  return started;
}

/** A logger whose lines land in `lines`, to check what the retries say. */
function capture() {
  const lines: { msg: string; reason?: string; attempt?: number }[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const quick = { retryDelaysMs: [20, 20, 20], attemptTimeoutMs: 1_000 };

describe("waitForPostgres", () => {
  it("resolves when the server accepts", async () => {
    const server = await fake();
    await expect(waitForPostgres(server.url(), quick)).resolves.toBeUndefined();
  });

  it("retries a refused connection a bounded number of times, saying so, then names the address and the cause", async () => {
    const { log, lines } = capture();
    const failure = waitForPostgres("postgres://app:s3cret@127.0.0.1:1/cinema", { ...quick, log });
    await expect(failure).rejects.toThrow(new DatabaseUnreachable("127.0.0.1:1", "connection refused"));
    await expect(failure).rejects.toThrow("cannot connect to 127.0.0.1:1 (connection refused)");
    expect(lines.map((l) => [l.msg, l.reason, l.attempt])).toEqual([1, 2, 3].map((n) => ["database not reachable yet, retrying", "connection refused", n]));
  });

  it("waits for a server that comes up while it retries", async () => {
    const server = await fake();
    await server.stop();
    const { log, lines } = capture();
    const waiting = waitForPostgres(server.url(), { retryDelaysMs: [100, 100, 100, 100, 100], attemptTimeoutMs: 1_000, log });
    const restarted = new Promise((resolve) => setTimeout(resolve, 150)).then(() => server.start());
    fakes.push(server);
    // Both settle before any assertion, so afterEach never misses a server that started late.
    const [waited, started] = await Promise.allSettled([waiting, restarted]);
    expect(started.status).toBe("fulfilled");
    expect(waited).toEqual({ status: "fulfilled", value: undefined });
    expect(lines.length).toBeGreaterThan(0);
  });

  it("does not retry a refused password, and never shows the password", async () => {
    const server = await fake();
    server.mode = "wrong-password";
    const { log, lines } = capture();
    const error = await waitForPostgres(server.url("app", "s3cret"), { ...quick, log }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUnreachable);
    expect((error as Error).message).toBe(`cannot connect to 127.0.0.1:${new URL(server.url()).port} (password authentication failed for user "app")`);
    expect(lines).toEqual([]);
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain("s3cret");
  });
});

describe("describeFailure", () => {
  const url = new URL("postgres://app:p%40ss@db.internal:5432/cinema");

  it("calls a server that is away transient, in words", () => {
    expect(describeFailure(Object.assign(new Error("getaddrinfo ENOTFOUND db.internal"), { code: "ENOTFOUND" }), url, 3_000)).toEqual({ reason: "host not found", transient: true });
    expect(describeFailure(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]), url, 3_000)).toEqual({ reason: "connection refused", transient: true });
    expect(describeFailure(new Error("Connection terminated due to connection timeout"), url, 3_000)).toEqual({ reason: "no answer within 3000 ms", transient: true });
    expect(describeFailure(Object.assign(new Error("the database system is starting up"), { code: "57P03" }), url, 3_000).transient).toBe(true);
  });

  it("blanks the password out of any message it passes on", () => {
    expect(describeFailure(new Error("bad thing near p@ss and p%40ss"), url, 3_000)).toEqual({ reason: "bad thing near *** and ***", transient: false });
  });
});

// Tier 2 (`npm run test:servers` sets DB_CONNECTION_STRING): the same refusal from a real server.
describe.runIf(Boolean(process.env.DB_CONNECTION_STRING))("waitForPostgres against PostgreSQL", () => {
  it("reports a wrong password at once, without the password", async () => {
    const url = new URL(process.env.DB_CONNECTION_STRING!);
    url.password = "not-the-password";
    const error = await waitForPostgres(url.href, quick).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^cannot connect to .+ \(password authentication failed for user ".+"\)$/);
    expect((error as Error).message).not.toContain("not-the-password");
  });
});
