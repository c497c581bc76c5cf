import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { Page } from "../../contracts/pagination.ts";

const required = (type: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? "is required" : `must be ${type}`;

export const MovieInput = z
  .object(
    {
      title: z.string({ error: required("a string") }).trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
      description: z.string({ error: required("a string") }).max(10_000, "must be at most 10000 characters"),
      genres: z
        .array(z.string({ error: "must be strings" }).trim().min(1, "must not be empty strings").max(100), {
          error: required("an array of strings"),
        })
        .max(20, "must hold at most 20 genres")
        // Repeats carry no meaning; the first spelling and position win.
        .transform((genres) => [...new Set(genres)])
        .default([]),
      rating: z
        .number({ error: required("a number") })
        .min(0, "must be at least 0")
        .max(10, "must be at most 10"),
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
  })
  .openapi("Movie", {
    example: { id: 1, title: "Inception", description: "A thief who steals corporate secrets...", genres: ["Sci-Fi", "Action"], rating: 8.8 },
  });
export type Movie = z.infer<typeof Movie>;

/** The movies port: the catalogue, wherever it runs (monolith or the movies service). */
export interface MoviesApi {
  /** Movies in id order with their genres, one page; a fixed number of queries whatever the page size. */
  list(page: Page): Promise<Movie[]>;
  /** The movie with this id; throws NOT_FOUND when there is none. */
  get(id: number): Promise<Movie>;
  /** Creates a movie and its genres atomically. */
  create(input: MovieInput): Promise<Movie>;
}

export const MOVIES_API: InjectionToken<MoviesApi> = Symbol("MoviesApi");
