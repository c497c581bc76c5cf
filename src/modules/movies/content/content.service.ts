import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type { Database } from "../../../adapters/db/database.ts";
import { appendEvent } from "../../../adapters/outbox/outbox.ts";
import { AppError } from "../../../contracts/app-error.ts";
import { newDomainEvent } from "../../../contracts/domain-event.ts";
import type { ContentConfig } from "../../../config/content-config.ts";
import { movieContent, movies } from "../movies.tables.ts";
import type { ContentItem, ContentUpload, ContentUploadRequest, MovieContentApi } from "./content.contract.ts";
import { contentKey, type ContentStore } from "./stores/content-store.ts";

type ContentRow = typeof movieContent.$inferSelect;

export type ContentTimings = Pick<ContentConfig, "uploadTtlSeconds" | "downloadTtlSeconds">;

/** MovieContentApi over this process's database and the configured content store. */
export class MovieContentService implements MovieContentApi {
  constructor(
    private readonly db: Database,
    private readonly store: ContentStore,
    private readonly timings: ContentTimings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async startUpload(movieId: number, input: ContentUploadRequest): Promise<ContentUpload> {
    await this.movieTitle(movieId);
    const id = randomUUID();
    const expiresAt = new Date(this.now().getTime() + this.timings.uploadTtlSeconds * 1000);
    // The row first: an upload URL handed out is always one the clean-up knows of.
    await this.db.insert(movieContent).values({
      id,
      movieId,
      kind: input.kind,
      contentType: input.content_type,
      size: input.size,
      sha256: input.sha256 ?? null,
      status: "pending",
      uploadExpiresAt: expiresAt,
    });
    const signed = await this.store.uploadUrl(contentKey(movieId, id), { contentType: input.content_type, size: input.size, sha256: input.sha256, expiresAt });
    return { content_id: id, upload_url: signed.url, expires_at: signed.expiresAt.toISOString() };
  }

  async complete(movieId: number, contentId: string): Promise<ContentItem> {
    const title = await this.movieTitle(movieId);
    const row = await this.row(movieId, contentId);
    if (row.status === "ready") return this.item(row);
    const stored = await this.store.stat(contentKey(movieId, contentId));
    if (!stored) throw AppError.invalid(`content ${contentId}: nothing was uploaded yet`);
    if (stored.size !== row.size) throw AppError.invalid(`content ${contentId}: ${stored.size} bytes were uploaded, ${row.size} declared`);
    if (stored.contentType !== row.contentType) throw AppError.invalid(`content ${contentId}: uploaded as ${stored.contentType ?? "no type"}, declared ${row.contentType}`);
    // A store that verifies x-amz-checksum-sha256 on upload (S3, MinIO; ours) reports the digest; one that gives none is not asked.
    if (row.sha256 && stored.sha256 !== undefined && stored.sha256 !== row.sha256) throw AppError.invalid(`content ${contentId}: the SHA-256 of the bytes differs from the one declared`);
    const ready = await this.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(movieContent)
        .set({ status: "ready", completedAt: this.now() })
        .where(and(eq(movieContent.id, contentId), eq(movieContent.status, "pending")))
        .returning();
      // Completed by a concurrent call: that call announced it.
      if (!updated) return undefined;
      const payload = { movie_id: movieId, title, action: "content_ready", content_id: contentId, kind: row.kind, content_type: row.contentType, size: row.size };
      await appendEvent(tx, newDomainEvent("movie", movieId, "content_ready", payload), movieId);
      return updated;
    });
    return this.item(ready ?? (await this.row(movieId, contentId)));
  }

  async list(movieId: number): Promise<ContentItem[]> {
    await this.movieTitle(movieId);
    const rows = await this.db
      .select()
      .from(movieContent)
      .where(and(eq(movieContent.movieId, movieId), eq(movieContent.status, "ready")))
      .orderBy(asc(movieContent.completedAt), asc(movieContent.id));
    return Promise.all(rows.map((row) => this.item(row)));
  }

  async remove(movieId: number, contentId: string): Promise<void> {
    await this.row(movieId, contentId);
    // The object first: a row left behind by a failure is retried; an object without a row is lost to us.
    await this.store.remove(contentKey(movieId, contentId));
    await this.db.delete(movieContent).where(and(eq(movieContent.id, contentId), eq(movieContent.movieId, movieId)));
  }

  /** A short-lived download URL of a ready poster the movies query found. */
  async posterUrl(movieId: number, contentId: string): Promise<string> {
    return (await this.store.downloadUrl(contentKey(movieId, contentId), this.timings.downloadTtlSeconds)).url;
  }

  /** Removes up to `limit` uploads never completed whose URL has expired, objects first; answers how many. */
  async removeExpiredUploads(limit: number): Promise<number> {
    const stale = await this.db
      .select({ id: movieContent.id, movieId: movieContent.movieId })
      .from(movieContent)
      .where(and(eq(movieContent.status, "pending"), lt(movieContent.uploadExpiresAt, this.now())))
      .orderBy(asc(movieContent.uploadExpiresAt))
      .limit(limit);
    for (const { id, movieId } of stale) {
      await this.store.remove(contentKey(movieId, id));
      await this.db.delete(movieContent).where(and(eq(movieContent.id, id), eq(movieContent.status, "pending")));
    }
    return stale.length;
  }

  private async movieTitle(movieId: number): Promise<string> {
    const [movie] = await this.db.select({ title: movies.title }).from(movies).where(eq(movies.id, movieId));
    if (!movie) throw AppError.notFound(`movie ${movieId} not found`);
    return movie.title;
  }

  private async row(movieId: number, contentId: string): Promise<ContentRow> {
    const [row] = await this.db
      .select()
      .from(movieContent)
      .where(and(eq(movieContent.id, contentId), eq(movieContent.movieId, movieId)));
    if (!row) throw AppError.notFound(`content ${contentId} of movie ${movieId} not found`);
    return row;
  }

  private async item(row: ContentRow): Promise<ContentItem> {
    const signed = await this.store.downloadUrl(contentKey(row.movieId, row.id), this.timings.downloadTtlSeconds);
    return {
      content_id: row.id,
      movie_id: row.movieId,
      kind: row.kind,
      content_type: row.contentType,
      size: row.size,
      download_url: signed.url,
      download_expires_at: signed.expiresAt.toISOString(),
    };
  }
}
