import { sql } from "drizzle-orm";
import { check, doublePrecision, index, integer, pgSchema, primaryKey, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";

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
