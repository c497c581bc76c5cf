import { sql } from "drizzle-orm";
import { listVersionsTable } from "../../adapters/list-cache/list-version.ts";
import { bigint, check, doublePrecision, index, integer, pgSchema, primaryKey, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

export const moviesSchema = pgSchema("movies");

export const movies = moviesSchema.table(
  "movies",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    rating: doublePrecision("rating").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("movies_rating_range", sql`${t.rating} >= 0 and ${t.rating} <= 10`)],
);

/** A movie's genres in the order the client gave them. */
export const movieGenres = moviesSchema.table(
  "movie_genres",
  {
    movieId: integer("movie_id")
      .notNull()
      .references(() => movies.id, { onDelete: "cascade" }),
    position: smallint("position").notNull(),
    genre: text("genre").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.movieId, t.position] }),
    unique("movie_genres_movie_genre_key").on(t.movieId, t.genre),
    index("movie_genres_genre_idx").on(t.genre),
  ],
);

/**
 * Posters and trailers: the metadata of objects in the content store. A row is `pending` from the
 * upload URL until the client completes it (or its upload expires and the clean-up removes it).
 */
export const movieContent = moviesSchema.table(
  "movie_content",
  {
    id: uuid("id").primaryKey(),
    movieId: integer("movie_id")
      .notNull()
      .references(() => movies.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["poster", "trailer"] }).notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    /** Base64 SHA-256 the client declared; the store checks the bytes against it. */
    sha256: text("sha256"),
    status: text("status", { enum: ["pending", "ready"] }).notNull(),
    uploadExpiresAt: timestamp("upload_expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    check("movie_content_size_positive", sql`${t.size} > 0`),
    index("movie_content_movie_idx").on(t.movieId, t.status, t.kind),
    index("movie_content_pending_idx").on(t.uploadExpiresAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** The version of the whole movie list, bumped by triggers on movies, movie_genres and movie_content. */
export const moviesListVersions = listVersionsTable(moviesSchema);
