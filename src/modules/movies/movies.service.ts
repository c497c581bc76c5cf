import { asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import { appendEvent } from "../../adapters/outbox/outbox.ts";
import { newDomainEvent } from "../../contracts/domain-event.ts";
import { paginate } from "../../adapters/db/paginate.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { Page } from "../../contracts/pagination.ts";
import type { Movie, MovieInput, MoviesApi } from "./movies.contract.ts";
import { movieGenres, movies } from "./movies.tables.ts";

const columns = { id: movies.id, title: movies.title, description: movies.description, rating: movies.rating };
type MovieRow = { id: number; title: string; description: string; rating: number };

// Keys in the legacy order, so replies read the same as the old monolith's; poster_url only when there is one.
function toMovie(row: MovieRow, genres: string[], posterUrl?: string): Movie {
  const movie: Movie = { id: row.id, title: row.title, description: row.description, genres, rating: row.rating };
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
  constructor(
    private readonly db: Database,
    private readonly posters: PosterLinks = noPosters,
  ) {}

  async list(page: Page): Promise<Movie[]> {
    return this.withGenres(await paginate(this.db.select(columns).from(movies).orderBy(movies.id).$dynamic(), page));
  }

  async get(id: number): Promise<Movie> {
    const [movie] = await this.withGenres(await this.db.select(columns).from(movies).where(eq(movies.id, id)));
    if (!movie) throw AppError.notFound(`movie ${id} not found`);
    return movie;
  }

  async create(input: MovieInput): Promise<Movie> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(movies)
        .values({ title: input.title, description: input.description, rating: input.rating })
        .returning(columns);
      if (!row) throw new Error("insert into movies returned no row");
      if (input.genres.length > 0) {
        await tx.insert(movieGenres).values(input.genres.map((genre, position) => ({ movieId: row.id, position, genre })));
      }
      const movie = toMovie(row, input.genres);
      const { id, ...fields } = movie;
      await appendEvent(tx, newDomainEvent("movie", id, "created", { movie_id: id, ...fields, action: "created" }), id);
      return movie;
    });
  }

  /** One query for the genres of all the rows and one for their posters, however many rows there are. */
  private async withGenres(rows: MovieRow[]): Promise<Movie[]> {
    if (rows.length === 0) return [];
    const posters = await this.posters.posterUrls(rows.map((r) => r.id));
    const genreRows = await this.db
      .select({ movieId: movieGenres.movieId, genre: movieGenres.genre })
      .from(movieGenres)
      .where(inArray(movieGenres.movieId, rows.map((r) => r.id)))
      .orderBy(asc(movieGenres.movieId), asc(movieGenres.position));
    const genresOf = new Map<number, string[]>();
    for (const { movieId, genre } of genreRows) {
      const list = genresOf.get(movieId) ?? [];
      list.push(genre);
      genresOf.set(movieId, list);
    }
    return rows.map((row) => toMovie(row, genresOf.get(row.id) ?? [], posters.get(row.id)));
  }
}
