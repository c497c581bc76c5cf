import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import { StartupError } from "./startup-error.ts";

/** The pid of a process that has exited: a lock naming it is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

describe("the PGlite data directory lock", () => {
  let dir: string;
  let lockFile: string;
  const held: DataDirLock[] = [];
  const take = () => {
    const lock = lockDataDir(dir);
    held.push(lock);
    return lock;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cinemaabyss-lock-"));
    lockFile = join(dir, LOCK_FILE);
  });
  afterEach(() => {
    held.splice(0).forEach((lock) => lock.release());
    rmSync(dir, { recursive: true, force: true });
  });

  it("holds this process's pid and host, and is gone once released", () => {
    const lock = take();
    expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    take();
  });

  it("refuses a second claim with one line naming PGLITE_DATA_DIR and the holder", () => {
    take();
    let refused: unknown;
    try {
      lockDataDir(dir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StartupError);
    const message = (refused as Error).message;
    expect(message).toContain(`PGLITE_DATA_DIR ${dir} is in use by process ${process.pid}`);
    expect(message).toContain(lockFile);
    expect(message).not.toContain("\n");
  });

  it("takes over a lock whose process is gone", () => {
    writeFileSync(lockFile, `${deadPid()}\n${hostname()}\n`);
    take();
    expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
  });

  it("takes over a lock with this pid that this process never took (a restarted container is pid 1 again)", () => {
    writeFileSync(lockFile, `${process.pid}\n${hostname()}\n`);
    take();
  });

  it("takes over a lock that names no process", () => {
    writeFileSync(lockFile, "");
    take();
    expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
  });

  it("refuses a lock from another host, whose process it cannot see", () => {
    writeFileSync(lockFile, `1\nsome-other-host\n`);
    expect(() => lockDataDir(dir)).toThrow(`is in use by process 1 on host some-other-host`);
  });

  it("leaves a lock that is no longer its own when released", () => {
    const lock = take();
    writeFileSync(lockFile, `1\nsome-other-host\n`);
    lock.release();
    expect(readFileSync(lockFile, "utf8")).toBe(`1\nsome-other-host\n`);
  });
});
