import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE, type Database, type DatabaseHandle } from "../../adapters/db/database.ts";
import { openDatabase } from "../../adapters/db/open-database.ts";
import { startTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { rateLimits } from "./auth.tables.ts";
import { limitsOn } from "./limiter-store.ts";
import { LoginLimiter } from "./login-limiter.ts";

const LIMITS = { perUser: 2, perAddress: 4, perAccount: 100, windowSeconds: 86_400 };

// `npm run test:servers` (DB_CONNECTION_STRING set): two replicas, each with its own pool on one
// database, count together. Without a server there is nothing to share, and the suite is skipped.
describe.runIf(process.env.DB_CONNECTION_STRING)("login limits shared through PostgreSQL", () => {
  let first: TestPlatform;
  let second: DatabaseHandle;
  let replicas: [LoginLimiter, LoginLimiter];
  let db: Database;
  beforeAll(async () => {
    first = await startTestPlatform();
    const config = first.platform.config.database;
    if (config.kind !== "postgres") throw new Error("DB_CONNECTION_STRING is set, so the test platform must be on PostgreSQL");
    second = await openDatabase(config);
    db = first.platform.container.resolve(DATABASE);
    replicas = [new LoginLimiter(LIMITS, limitsOn(db)), new LoginLimiter(LIMITS, limitsOn(second.db))];
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const outcome = (promise: Promise<void>) =>
    promise.then(
      () => "counted",
      (error: { code?: string }) => error.code,
    );

  it("counts an address's attempts on either replica against one limit", async () => {
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(await outcome(replicas[i % 2]!.attempt(`shared_${i}`, "198.51.100.40")));
    expect(seen).toEqual(["counted", "counted", "counted", "counted", "TOO_MANY_REQUESTS"]);
  });

  it("a success on one replica starts the username's count again on the other", async () => {
    for (let i = 0; i < 2; i++) await replicas[0].attempt("shared_user", "192.0.2.50");
    expect(await outcome(replicas[1].attempt("shared_user", "192.0.2.50"))).toBe("TOO_MANY_REQUESTS");
    await replicas[1].succeeded("shared_user", "192.0.2.50");
    expect(await outcome(replicas[0].attempt("shared_user", "192.0.2.50"))).toBe("counted");
  });

  it("keeps the counts in the migrated auth.rate_limits table, keyed by hashes only", async () => {
    const rows = await db.select().from(rateLimits);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => !row.key.includes("198.51.100") && !row.key.includes("shared_"))).toBe(true);
  });
});
