import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { Page } from "../../contracts/pagination.ts";
import { text } from "../../contracts/text.ts";
import type { SerializedList } from "../../contracts/serialized-list.ts";

export const MovieInput = z
  .object(
    {
      title: text(500, { blank: false }),
      description: text(10_000),
      genres: z
        .array(text(100, { blank: false }), { error: "must be an array of strings" })
        .max(20, "must hold at most 20 genres")
        // Repeats carry no meaning; the first spelling and position win.
        .transform((genres) => [...new Set(genres)])
        .default([]),
      rating: z.number().min(0).max(10),
    },
    { error: "must be a JSON object" },
  )
  .openapi("MovieInput", {
    example: { title: "Inception", description: "A thief who steals corporate secrets...", genres: ["Sci-Fi", "Action"], rating: 8.8 },
  });
export type MovieInput = z.infer<typeof MovieInput>;

export const Movie = z
  .object({
    id: z.number().int(),
    title: z.string(),
    description: z.string(),
    genres: z.array(z.string()),
    rating: z.number(),
    // Absent, not null, without a ready poster: legacy clients see the shape they always saw.
    poster_url: z.string().optional().openapi({ description: "A short-lived URL of the movie's poster; only when one is ready" }),
  })
  .openapi("Movie", {
    example: { id: 1, title: "Inception", description: "A thief who steals corporate secrets...", genres: ["Sci-Fi", "Action"], rating: 8.8 },
  });
export type Movie = z.infer<typeof Movie>;

/** The movies port: the catalogue, wherever it runs (monolith or the movies service). */
export interface MoviesApi {
  /** Movies in id order with their genres, one page; a fixed number of queries whatever the page size. */
  list(page: Page): Promise<Movie[]>;
  /** The same list as pages of bounded size, read one after the other: how a whole list is served. */
  pages(page: Page): AsyncIterable<Movie[]>;
  /**
   * The whole list (the same bytes `pages({})` would make, poster URLs aside) as of the database's
   * version now, kept serialized between writes; undefined when this implementation does not keep
   * it (too big for the cache budget, or remote): stream `pages` then.
   */
  wholeList(): Promise<SerializedList | undefined>;
  /** The movie with this id; throws NOT_FOUND when there is none. */
  get(id: number): Promise<Movie>;
  /** Creates a movie and its genres atomically. */
  create(input: MovieInput): Promise<Movie>;
}

export const MOVIES_API: InjectionToken<MoviesApi> = Symbol("MoviesApi");
