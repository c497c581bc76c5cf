import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../../../contracts/app-error.ts";
import { FILE_STORE_PATH, FileContentStore } from "./file-content-store.ts";

let dir: string;
let store: FileContentStore;
const key = "movies/1/0b5f8a4e-7d1c-4f3a-9e2b-6c8d1a2f3e4b";
const inAMinute = () => new Date(Date.now() + 60_000);

function parts(url: string): { path: string; query: Record<string, string> } {
  const parsed = new URL(url, "http://x");
  return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) };
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cinemaabyss-store-"));
  store = new FileContentStore({ dataDir: dir, urlKey: randomBytes(32).toString("base64") });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("the filesystem store's signed URLs", () => {
  it("accepts the signed PUT and GET, and nothing altered", async () => {
    const bytes = randomBytes(100);
    const up = parts((await store.uploadUrl(key, { contentType: "image/png", size: 100, sha256: undefined, expiresAt: inAMinute() })).url);
    await store.write(up.path, up.query, "image/png", Readable.from([bytes]));
    const down = parts((await store.downloadUrl(key, 60)).url);
    expect((await store.read(down.path, down.query)).size).toBe(100);

    expect(await refusal(store.write(up.path, { ...up.query, signature: up.query.signature!.replace(/^./, (c) => (c === "A" ? "B" : "A")) }, "image/png", Readable.from([bytes])))).toBe("FORBIDDEN");
    expect(await refusal(store.write(up.path, { ...up.query, size: "1000" }, "image/png", Readable.from([bytes])))).toBe("FORBIDDEN");
    expect(await refusal(store.write(up.path, up.query, "image/jpeg", Readable.from([bytes])))).toBe("FORBIDDEN");
    expect(await refusal(store.write(up.path.replace("/1/", "/2/"), up.query, "image/png", Readable.from([bytes])))).toBe("FORBIDDEN");
    // A download URL is no upload URL.
    expect(await refusal(store.write(down.path, down.query, "image/png", Readable.from([bytes])))).toBe("FORBIDDEN");
    expect(await refusal(store.read(down.path, { ...down.query, expires: String(Number(down.query.expires) + 3600) }))).toBe("FORBIDDEN");
  });

  it("refuses paths outside the store, before touching the disk", async () => {
    for (const path of [`${FILE_STORE_PATH}../../etc/passwd`, `${FILE_STORE_PATH}movies/%2e%2e/x`, "/etc/passwd", `${FILE_STORE_PATH}`]) {
      expect(await refusal(store.read(path, { expires: "9999999999", signature: "x" }))).toBe("FORBIDDEN");
    }
  });

  it("cuts a body larger than declared, leaving no object and no partial file", async () => {
    const up = parts((await store.uploadUrl(key, { contentType: "image/png", size: 1000, sha256: undefined, expiresAt: inAMinute() })).url);
    expect(await refusal(store.write(up.path, up.query, "image/png", Readable.from([randomBytes(600), randomBytes(600)])))).toBe("PAYLOAD_TOO_LARGE");
    expect(await store.stat(key)).toBeUndefined();
    expect(await readdir(join(dir, "objects", "movies", "1"))).toEqual([]);
  });

  it("refuses a body whose SHA-256 differs from the declared one, leaving nothing", async () => {
    const sha256 = "a".repeat(43) + "=";
    const up = parts((await store.uploadUrl(key, { contentType: "image/png", size: 10, sha256, expiresAt: inAMinute() })).url);
    expect(await refusal(store.write(up.path, up.query, "image/png", Readable.from([randomBytes(10)])))).toBe("INVALID_INPUT");
    expect(await store.stat(key)).toBeUndefined();
  });
});
