import { eq, gt, sql } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import { appendEvent } from "../../adapters/outbox/outbox.ts";
import { newDomainEvent } from "../../contracts/domain-event.ts";
import { collectPages, keysetPages } from "../../adapters/db/keyset-pages.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { Page } from "../../contracts/pagination.ts";
import type { Movie, MovieInput, MoviesApi } from "./movies.contract.ts";
import { movieGenres, movies } from "./movies.tables.ts";

// The genres of each row in the same query, in the client's order: no parameter per movie, so a
// page of any size is one statement (an IN list of ids breaks at PostgreSQL's 65,535 parameters).
const genres = sql<string[]>`array(select ${movieGenres.genre} from ${movieGenres} where ${movieGenres.movieId} = ${movies.id} order by ${movieGenres.position})`;
const columns = { id: movies.id, title: movies.title, description: movies.description, genres, rating: movies.rating };
type MovieRow = { id: number; title: string; description: string; genres: string[]; rating: number };

// Keys in the legacy order, so replies read the same as the old monolith's; poster_url only when there is one.
function toMovie(row: MovieRow, posterUrl?: string): Movie {
  const movie: Movie = { id: row.id, title: row.title, description: row.description, genres: row.genres, rating: row.rating };
  if (posterUrl !== undefined) movie.poster_url = posterUrl;
  return movie;
}

/** Where the movies' ready posters can be downloaded (the content service); none without content. */
export interface PosterLinks {
  posterUrls(movieIds: number[]): Promise<Map<number, string>>;
}

const noPosters: PosterLinks = { posterUrls: async () => new Map() };

/** MoviesApi over this process's database. */
export class MoviesService implements MoviesApi {
  // Built once and prepared by name on each connection: a read by id neither rebuilds its SQL nor is re-planned.
  private readonly byId;

  constructor(
    private readonly db: Database,
    private readonly posters: PosterLinks = noPosters,
  ) {
    this.byId = db.select(columns).from(movies).where(eq(movies.id, sql.placeholder("id"))).prepare("movies_by_id");
  }

  list(page: Page): Promise<Movie[]> {
    return collectPages(this.pages(page));
  }

  pages(page: Page): AsyncIterable<Movie[]> {
    return keysetPages(async (after, offset, limit) => {
      const rows = await this.db
        .select(columns)
        .from(movies)
        .where(after === undefined ? undefined : gt(movies.id, after))
        .orderBy(movies.id)
        .offset(offset)
        .limit(limit);
      return this.withPosters(rows);
    }, page);
  }

  async get(id: number): Promise<Movie> {
    const [row] = await this.byId.execute({ id });
    if (!row) throw AppError.notFound(`movie ${id} not found`);
    const [movie] = await this.withPosters([row]);
    return movie!;
  }

  async create(input: MovieInput): Promise<Movie> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(movies)
        .values({ title: input.title, description: input.description, rating: input.rating })
        .returning({ id: movies.id, title: movies.title, description: movies.description, rating: movies.rating });
      if (!row) throw new Error("insert into movies returned no row");
      if (input.genres.length > 0) {
        await tx.insert(movieGenres).values(input.genres.map((genre, position) => ({ movieId: row.id, position, genre })));
      }
      const movie = toMovie({ ...row, genres: input.genres });
      const { id, ...fields } = movie;
      await appendEvent(tx, newDomainEvent("movie", id, "created", { movie_id: id, ...fields, action: "created" }), id);
      return movie;
    });
  }

  /** The rows as movies, with one query for the posters of them all, however many rows there are. */
  private async withPosters(rows: MovieRow[]): Promise<Movie[]> {
    if (rows.length === 0) return [];
    const posters = await this.posters.posterUrls(rows.map((r) => r.id));
    return rows.map((row) => toMovie(row, posters.get(row.id)));
  }
}
