import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "./data-dir-lock.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { StartupError } from "./startup-error.ts";

// Another process opens the directory and keeps it open until its stdin closes.
const holdOpen = `
import { openPgliteDatabase } from "./src/adapters/db/pglite-database.ts";
const database = await openPgliteDatabase(process.argv[1]);
console.log("open");
process.stdin.resume();
process.stdin.on("end", async () => { await database.close(); console.log("closed"); });
`;

describe("an on-disk PGlite directory", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "cinemaabyss-pglite-")), "data");
  afterAll(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

  it("is refused to a second process while the first has it open, and opens once the first has closed it", async () => {
    const first = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", holdOpen, dir], { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: first.stdout! })[Symbol.asyncIterator]();
    try {
      expect((await lines.next()).value).toBe("open");

      const refused = await openPgliteDatabase(dir).then(
        async (database) => {
          await database.close();
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as Error).message).toContain(`PGLITE_DATA_DIR ${dir} is in use by process ${first.pid}`);

      first.stdin!.end();
      expect((await lines.next()).value).toBe("closed");
      const database = await openPgliteDatabase(dir);
      expect(await database.ping()).toBe(true);
      await database.close();
      expect(existsSync(join(dir, LOCK_FILE)), "the lock outlived close()").toBe(false);
    } finally {
      first.kill();
      if (first.exitCode === null) await once(first, "exit");
    }
  }, 60_000);
});
