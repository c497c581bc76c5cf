import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../contracts/app-error.ts";
import { implementationsOf } from "../../../testing/port-implementations.ts";
import type { Platform } from "../../../roles/platform.ts";
import { MOVIES_API } from "../movies.contract.ts";
import { CONTENT_STORE } from "./stores/content-store.ts";
import { MOVIE_CONTENT_API, type MovieContentApi } from "./content.contract.ts";
import { MovieContentClient } from "./content.client.ts";
import { FileContentStore } from "./stores/file-content-store.ts";

describe.each(implementationsOf(MOVIE_CONTENT_API, "movies", "movies", (http) => new MovieContentClient(http)))("MovieContentApi (%s)", (_name, start) => {
  let api: MovieContentApi;
  let platform: Platform;
  let close: () => Promise<void>;
  let movieId: number;
  beforeAll(async () => {
    ({ api, platform, close } = await start());
    movieId = (await platform.container.resolve(MOVIES_API).create({ title: "Port", description: "", genres: [], rating: 1 })).id;
  });
  afterAll(() => close());

  /** Puts bytes where the upload URL says, through the store itself (no listener in-process). */
  async function upload(url: string, contentType: string, bytes: Buffer): Promise<void> {
    const store = platform.container.resolve(CONTENT_STORE);
    if (!(store instanceof FileContentStore)) throw new Error("expected the filesystem store");
    const parsed = new URL(url, "http://local");
    await store.write(parsed.pathname, Object.fromEntries(parsed.searchParams), contentType, Readable.from([bytes]));
  }

  it("starts, completes, lists and removes content; errors keep their codes across the wire", async () => {
    const bytes = randomBytes(321);
    const started = await api.startUpload(movieId, { kind: "poster", content_type: "image/png", size: bytes.length });
    await expect(api.complete(movieId, started.content_id)).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await upload(started.upload_url, "image/png", bytes);
    const ready = await api.complete(movieId, started.content_id);
    expect(ready).toMatchObject({ content_id: started.content_id, movie_id: movieId, kind: "poster", size: 321 });
    // Completing twice answers the same item and announces nothing more.
    expect((await api.complete(movieId, started.content_id)).content_id).toBe(started.content_id);
    expect((await api.list(movieId)).map((i) => i.content_id)).toEqual([started.content_id]);
    await api.remove(movieId, started.content_id);
    expect(await api.list(movieId)).toEqual([]);
    const gone = await api.remove(movieId, started.content_id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(AppError);
    expect(gone).toMatchObject({ code: "NOT_FOUND" });
    await expect(api.list(2_000_000_000)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
