import { createHash, randomBytes } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxMessages } from "../../../adapters/outbox/outbox.tables.ts";
import type { RunningRole } from "../../../roles/run-role.ts";
import { startTestRole } from "../../../testing/test-platform.ts";
import { CONTENT_STORE } from "./stores/content-store.ts";
import { contentKey } from "./stores/content-store.ts";
import { ContentItem, ContentList, ContentUpload } from "./content.contract.ts";
import { MovieContentService } from "./content.service.ts";
import { openContentStore } from "./stores/open-content-store.ts";

const MB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

/**
 * `total` bytes made on the fly, 64 KiB at a time, hashed as they go: the test never holds them
 * whole either. At `pause.at` bytes the stream waits for `pause.until()` before sending more.
 */
export function generatedBody(total: number, pause?: { at: number; until: () => Promise<void> }): { stream: ReadableStream<Uint8Array>; digest: () => string } {
  const hash = createHash("sha256");
  const block = randomBytes(64 * 1024);
  let sent = 0;
  let paused = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pause && !paused && sent >= pause.at) {
        paused = true;
        await pause.until();
      }
      if (sent >= total) return controller.close();
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, total - sent)));
      chunk.writeUInt32BE(sent / block.length, 0);
      sent += chunk.length;
      hash.update(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, digest: () => hash.digest("base64") };
}

/** Resolves once `bytes()` reaches `atLeast`; throws after `ms` (a server holding the body whole never gets there). */
export async function bytesReach(bytes: () => Promise<number>, atLeast: number, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await bytes()) < atLeast) {
    if (Date.now() > deadline) throw new Error(`the store held less than ${atLeast} bytes of the body after ${ms} ms: not streamed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Bytes of a filesystem-store upload written so far (its partial file), 0 when none. */
export async function partialFileBytes(dataDir: string, key: string): Promise<number> {
  const path = join(dataDir, "objects", key);
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const partial = names.find((n) => n.startsWith(`${basename(path)}.part-`));
  return partial ? ((await stat(join(dirname(path), partial)).catch(() => undefined))?.size ?? 0) : 0;
}

async function hashOf(body: ReadableStream<Uint8Array>): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { digest: hash.digest("base64"), size };
}

export interface ContentSuiteSetup {
  /** The environment that selects the store; called before the role starts (an S3 run makes its bucket here). */
  env(): Promise<Record<string, string>>;
}

/**
 * The content flow over HTTP on a movies service, whatever the store: upload (a 50 MB one streamed,
 * memory flat), complete, list, download byte-identical, expired URLs refused, a wrong size refused
 * at complete, delete, and the clean-up of uploads never completed.
 */
export function contentContractSuite(name: string, setup: ContentSuiteSetup): void {
  describe(`movie content on the ${name} store`, () => {
    let role: RunningRole;
    let base: string;
    let movieId: number;

    const api = (path: string, init?: RequestInit) => fetch(`${base}/api/movies/${movieId}${path}`, init);
    const post = (path: string, body?: unknown) =>
      api(path, { method: "POST", headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const start = async (body: Record<string, unknown>) => {
      const res = await post("/content", body);
      expect(res.status, await res.clone().text()).toBe(201);
      return ContentUpload.parse(await res.json());
    };
    const put = (url: string, contentType: string, body: NonNullable<RequestInit["body"]>, headers: Record<string, string> = {}) =>
      fetch(url, { method: "PUT", headers: { "content-type": contentType, ...headers }, body, duplex: "half" } as RequestInit);
    const service = (now?: () => Date) => {
      const p = role.platform!;
      return new MovieContentService(p.database.db, p.container.resolve(CONTENT_STORE), p.config.content, now);
    };

    beforeAll(async () => {
      role = await startTestRole("movies", await setup.env());
      base = `http://127.0.0.1:${role.ports.movies}`;
      const res = await fetch(`${base}/api/movies`, { method: "POST", body: JSON.stringify({ title: "Content test", description: "d", genres: [], rating: 7 }) });
      movieId = ((await res.json()) as { id: number }).id;
    });
    afterAll(() => role?.stop());

    it("keeps the legacy movie shape while no poster is ready", async () => {
      const movie = (await (await api("")).json()) as object;
      expect(Object.keys(movie)).toEqual(["id", "title", "description", "genres", "rating"]);
      const listed = ((await (await fetch(`${base}/api/movies?limit=100`)).json()) as Array<Record<string, unknown>>).find((m) => m.id === movieId);
      expect(Object.keys(listed!)).toEqual(["id", "title", "description", "genres", "rating"]);
    });

    it("refuses content over its kind's limits or of another type (400), and an unknown movie (404)", async () => {
      expect((await post("/content", { kind: "poster", content_type: "image/png", size: 10 * MB + 1 })).status).toBe(400);
      expect((await post("/content", { kind: "poster", content_type: "video/mp4", size: 10 })).status).toBe(400);
      expect((await post("/content", { kind: "trailer", content_type: "video/mp4", size: 2 * 1024 * MB + 1 })).status).toBe(400);
      const unknown = await fetch(`${base}/api/movies/2000000000/content`, { method: "POST", body: JSON.stringify({ kind: "poster", content_type: "image/png", size: 10 }) });
      expect(unknown.status).toBe(404);
      expect((await fetch(`${base}/api/movies/2000000000/content`)).status).toBe(404);
    });

    it("uploads a poster, completes it with a movie event, lists it and serves it byte-identical; the movie gains poster_url", async () => {
      const bytes = randomBytes(200_000);
      const upload = await start({ kind: "poster", content_type: "image/png", size: bytes.length, sha256: sha256(bytes) });
      expect(Date.parse(upload.expires_at)).toBeGreaterThan(Date.now());
      const sent = await put(upload.upload_url, "image/png", bytes, { "x-amz-checksum-sha256": sha256(bytes) });
      expect(sent.status, await sent.text()).toBe(200);
      const done = await post(`/content/${upload.content_id}/complete`);
      expect(done.status, await done.clone().text()).toBe(200);
      const item = ContentItem.parse(await done.json());
      expect(item).toMatchObject({ content_id: upload.content_id, movie_id: movieId, kind: "poster", content_type: "image/png", size: bytes.length });

      const listed = ContentList.parse(await (await api("/content")).json());
      expect(listed.map((i) => i.content_id)).toContain(upload.content_id);
      const download = await fetch(listed.find((i) => i.content_id === upload.content_id)!.download_url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

      const movie = (await (await api("")).json()) as { poster_url?: string };
      expect(Object.keys(movie)).toEqual(["id", "title", "description", "genres", "rating", "poster_url"]);
      expect(Buffer.from(await (await fetch(movie.poster_url!)).arrayBuffer()).equals(bytes)).toBe(true);

      const events = await role.platform!.database.db
        .select({ value: outboxMessages.value })
        .from(outboxMessages)
        .where(and(eq(outboxMessages.topic, "movie-events"), like(outboxMessages.value, `%${upload.content_id}%`)));
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]!.value)).toMatchObject({ type: "movie", payload: { movie_id: movieId, action: "content_ready", kind: "poster" } });
    });

    it("streams a 50 MB trailer up and down, byte-identical, never holding it whole", async () => {
      const size = 50 * MB;
      const upload = await start({ kind: "trailer", content_type: "video/mp4", size });
      const key = contentKey(movieId, upload.content_id);
      const store = role.platform!.config.content.store;
      // Streamed, structurally: with 10 MB of 50 sent, the sender waits until the filesystem store has
      // written at least 5 MB to disk; a server holding the body whole would never get there. An S3
      // upload does not pass through this process at all: its URL is the bucket's.
      const pause =
        store.kind === "filesystem"
          ? { at: 10 * MB, until: () => bytesReach(() => partialFileBytes(store.dataDir, key), 5 * MB) }
          : undefined;
      if (store.kind === "s3") expect(new URL(upload.upload_url).origin).toBe(new URL(store.endpoint!).origin);
      const body = generatedBody(size, pause);
      // S3 answers 411 to a chunked PUT: the length goes ahead of the stream, as curl --upload-file sends it.
      const sent = await put(upload.upload_url, "video/mp4", body.stream, { "content-length": String(size) });
      expect(sent.status, await sent.text()).toBe(200);
      const done = ContentItem.parse(await (await post(`/content/${upload.content_id}/complete`)).json());
      const down = await fetch(done.download_url);
      expect(down.headers.get("content-length")).toBe(String(size));
      expect(await hashOf(down.body!)).toEqual({ digest: body.digest(), size });
      // A bound, not a speed claim: 100 MB over loopback on a loaded shared machine.
    }, 180_000);

    it("refuses expired upload and download URLs", async () => {
      const bytes = randomBytes(1000);
      const upload = await start({ kind: "poster", content_type: "image/jpeg", size: bytes.length });
      const key = contentKey(movieId, upload.content_id);
      // URLs signed an hour ago with a minute to live: expired by any clock.
      const anHourAgo = new Date(Date.now() - 3600_000);
      const past = openContentStore(role.platform!.config.content, () => anHourAgo);
      const expiredUpload = await past.uploadUrl(key, { contentType: "image/jpeg", size: bytes.length, sha256: undefined, expiresAt: new Date(anHourAgo.getTime() + 60_000) });
      const absolute = (url: string) => (url.startsWith("/") ? base + url : url);
      expect((await put(absolute(expiredUpload.url), "image/jpeg", bytes)).status).toBe(403);
      expect((await put(upload.upload_url, "image/jpeg", bytes)).status).toBe(200);
      const expiredDownload = await past.downloadUrl(key, 60);
      expect((await fetch(absolute(expiredDownload.url))).status).toBe(403);
      await past.close();
    });

    it("refuses at complete an upload of another size than declared, and keeps it out of the list", async () => {
      const upload = await start({ kind: "poster", content_type: "image/png", size: 5000 });
      expect((await put(upload.upload_url, "image/png", randomBytes(4000))).status).toBe(200);
      const done = await post(`/content/${upload.content_id}/complete`);
      expect(done.status).toBe(400);
      expect(await done.json()).toMatchObject({ code: "INVALID_INPUT", error: expect.stringContaining("4000 bytes were uploaded, 5000 declared") });
      const listed = ContentList.parse(await (await api("/content")).json());
      expect(listed.map((i) => i.content_id)).not.toContain(upload.content_id);
    });

    it("refuses bytes that differ from a declared SHA-256", async () => {
      const bytes = randomBytes(3000);
      const upload = await start({ kind: "poster", content_type: "image/png", size: bytes.length, sha256: sha256(bytes) });
      const other = randomBytes(3000);
      const sent = await put(upload.upload_url, "image/png", other, { "x-amz-checksum-sha256": sha256(bytes) });
      expect(sent.status).toBe(400);
      expect((await post(`/content/${upload.content_id}/complete`)).status).toBe(400);
    });

    it("deletes content: the bytes, the row and the movie's poster_url", async () => {
      const bytes = randomBytes(1234);
      const upload = await start({ kind: "poster", content_type: "image/webp", size: bytes.length });
      await put(upload.upload_url, "image/webp", bytes);
      const item = ContentItem.parse(await (await post(`/content/${upload.content_id}/complete`)).json());
      expect((await api(`/content/${upload.content_id}`, { method: "DELETE" })).status).toBe(204);
      expect((await fetch(item.download_url)).status).toBe(404);
      expect(ContentList.parse(await (await api("/content")).json()).map((i) => i.content_id)).not.toContain(upload.content_id);
      expect((await api(`/content/${upload.content_id}`, { method: "DELETE" })).status).toBe(404);
      expect((await api(`/content/not-a-uuid`, { method: "DELETE" })).status).toBe(400);
      for (const listed of ContentList.parse(await (await api("/content")).json())) {
        expect((await api(`/content/${listed.content_id}`, { method: "DELETE" })).status).toBe(204);
      }
      expect(Object.keys((await (await api("")).json()) as object)).toEqual(["id", "title", "description", "genres", "rating"]);
    });

    it("cleans up uploads never completed once their URL expired, and only those", async () => {
      const bytes = randomBytes(2048);
      const orphan = await start({ kind: "poster", content_type: "image/png", size: bytes.length });
      await put(orphan.upload_url, "image/png", bytes);
      const kept = await start({ kind: "poster", content_type: "image/png", size: bytes.length });
      await put(kept.upload_url, "image/png", bytes);
      const store = role.platform!.container.resolve(CONTENT_STORE);
      expect(await store.stat(contentKey(movieId, orphan.content_id))).toMatchObject({ size: bytes.length });

      expect(await service().removeExpiredUploads(100)).toBe(0);
      await post(`/content/${kept.content_id}/complete`);
      // Seen from a clock past the uploads' expiry.
      const later = service(() => new Date(Date.now() + (role.platform!.config.content.uploadTtlSeconds + 60) * 1000));
      expect(await later.removeExpiredUploads(100)).toBeGreaterThanOrEqual(1);
      expect(await store.stat(contentKey(movieId, orphan.content_id))).toBeUndefined();
      expect((await post(`/content/${orphan.content_id}/complete`)).status).toBe(404);
      expect(await store.stat(contentKey(movieId, kept.content_id))).toMatchObject({ size: bytes.length });
    });
  });
}
