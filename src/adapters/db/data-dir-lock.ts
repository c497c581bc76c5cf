import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { StartupError } from "./startup-error.ts";

export const LOCK_FILE = "cinemaabyss.lock";

export interface DataDirLock {
  /** Gives the directory up; safe to call twice. */
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
}

// A lock naming this pid was left by an earlier life of it (a restarted container is pid 1 again)
// unless this process took it: only this set tells the two apart.
const heldHere = new Set<string>();

/**
 * Claims an on-disk PGlite directory for this process. PGlite has no lock of its own, and two
 * processes on one directory each overwrite the other's files.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(resolve(dataDir), LOCK_FILE);
  const mine = `${process.pid}\n${hostname()}\n`;
  // Retried because a stale lock may vanish or be replaced between the reads below.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, mine, dataDir)) {
      heldHere.add(path);
      return { release: () => release(path, mine) };
    }
    const found = readLock(path);
    if (found === undefined) continue;
    if (found.holder && isRunning(found.holder, path)) throw inUse(dataDir, path, found.holder);
    removeStale(path, found.text);
  }
  throw new StartupError(`PGLITE_DATA_DIR ${dataDir}: the lock file ${path} keeps changing; another process is starting on this directory`);
}

/** Creates the lock with its content in one step (link), so a reader never sees it half written. */
function create(path: string, content: string, dataDir: string): boolean {
  const draft = `${path}.${process.pid}`;
  try {
    writeFileSync(draft, content);
    try {
      linkSync(draft, path);
    } catch (error) {
      if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
      // A file system without hard links: exclusive create, written a moment later.
      writeFileSync(path, content, { flag: "wx" });
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new StartupError(`PGLITE_DATA_DIR ${dataDir}: cannot create the lock file ${path}: ${(error as Error).message}`);
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      // never written
    }
  }
}

const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/** Undefined when the file is gone; a lock that names no process (no holder) holds nothing. */
function readLock(path: string): { text: string; holder: Holder | undefined } | undefined {
  const text = readIfThere(path);
  if (text === undefined) return undefined;
  const [pid, host] = text.split("\n");
  return { text, holder: Number.isSafeInteger(Number(pid)) && Number(pid) > 0 && host ? { pid: Number(pid), host } : undefined };
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isRunning(holder: Holder, path: string): boolean {
  // Another host's pid says nothing here (containers sharing a volume): assume it runs.
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return heldHere.has(path);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

// As with PostgreSQL's postmaster.pid, two processes breaking the same stale lock at the same
// instant could both go on; checking the content again keeps that window to microseconds.
function removeStale(path: string, staleText: string): void {
  if (readIfThere(path) !== staleText) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function inUse(dataDir: string, path: string, holder: Holder): StartupError {
  const where = holder.host === hostname() ? "" : ` on host ${holder.host}`;
  return new StartupError(
    `PGLITE_DATA_DIR ${dataDir} is in use by process ${holder.pid}${where} (lock file ${path}); stop that process, or give this one another PGLITE_DATA_DIR`,
  );
}

function release(path: string, mine: string): void {
  if (!heldHere.delete(path)) return;
  // Only our own lock: had it been taken over as stale, the file now belongs to someone else.
  if (readIfThere(path) !== mine) return;
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}
