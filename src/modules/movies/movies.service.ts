import { eq, gt, sql } from "drizzle-orm";
import type { Database } from "../../adapters/db/database.ts";
import { appendEvent } from "../../adapters/outbox/outbox.ts";
import { newDomainEvent } from "../../contracts/domain-event.ts";
import { collectPages, keysetPages, mapPages } from "../../adapters/db/keyset-pages.ts";
import { AppError } from "../../contracts/app-error.ts";
import type { Page } from "../../contracts/pagination.ts";
import type { Movie, MovieInput, MoviesApi } from "./movies.contract.ts";
import { movieContent, movieGenres, movies, moviesListVersions } from "./movies.tables.ts";
import type { SerializedList } from "../../contracts/serialized-list.ts";
import { ByteBudget } from "../../adapters/list-cache/byte-budget.ts";
import { listVersionReader } from "../../adapters/list-cache/list-version.ts";
import type { ListEntry } from "../../adapters/list-cache/serialize-list.ts";
import { WholeListCache } from "../../adapters/list-cache/whole-list-cache.ts";

// The genres of each row in the same query, in the client's order: no parameter per movie, so a
// page of any size is one statement (an IN list of ids breaks at PostgreSQL's 65,535 parameters).
const genres = sql<string[]>`array(select ${movieGenres.genre} from ${movieGenres} where ${movieGenres.movieId} = ${movies.id} order by ${movieGenres.position})`;
// The newest ready poster of each row, in the same query too (constants inlined: no parameters;
// qualified names, since drizzle writes the outer columns unqualified).
const posterId = sql<string | null>`(select poster.id from ${movieContent} poster where poster.movie_id = ${movies}.id and poster.kind = 'poster' and poster.status = 'ready' order by poster.completed_at desc limit 1)`;
const columns = { id: movies.id, title: movies.title, description: movies.description, genres, rating: movies.rating, posterId };
type MovieRow = { id: number; title: string; description: string; genres: string[]; rating: number; posterId: string | null };

// Keys in the legacy order, so replies read the same as the old monolith's; poster_url only when there is one.
function toMovie(row: MovieRow, posterUrl?: string): Movie {
  const movie: Movie = { id: row.id, title: row.title, description: row.description, genres: row.genres, rating: row.rating };
  if (posterUrl !== undefined) movie.poster_url = posterUrl;
  return movie;
}

/** Where a movie's ready poster can be downloaded (the content service signs the URL). */
export interface PosterLinks {
  posterUrl(movieId: number, contentId: string): Promise<string>;
}

const noPosters: PosterLinks = {
  posterUrl: async () => {
    throw new Error("a poster without a content store");
  },
};

type PosterRef = { movieId: number; contentId: string };

// A movie as it sits in the cached list: its poster URL is signed per request, so it is a hole.
function listEntry(row: MovieRow): ListEntry<PosterRef> {
  const text = JSON.stringify(toMovie(row));
  return row.posterId === null ? text : [text.slice(0, -1), { movieId: row.id, contentId: row.posterId }, "}"];
}

/** MoviesApi over this process's database. */
export class MoviesService implements MoviesApi {
  // Built once and prepared by name on each connection: a read by id neither rebuilds its SQL nor is re-planned.
  private readonly byId;
  private readonly whole: WholeListCache<PosterRef>;

  constructor(
    private readonly db: Database,
    private readonly posters: PosterLinks = noPosters,
    budget = new ByteBudget(0),
  ) {
    this.byId = db.select(columns).from(movies).where(eq(movies.id, sql.placeholder("id"))).prepare("movies_by_id");
    const version = listVersionReader(db, moviesListVersions, "movies");
    this.whole = new WholeListCache(budget, {
      version,
      pages: () => mapPages(keysetPages((after, offset, limit) => this.rows(after, offset, limit), {}), listEntry),
    });
  }

  async wholeList(): Promise<SerializedList | undefined> {
    const list = await this.whole.current();
    if (!list) return undefined;
    const values = await Promise.all(list.holes.map((poster) => this.posters.posterUrl(poster.movieId, poster.contentId)));
    return { version: list.version, parts: list.parts, values };
  }

  list(page: Page): Promise<Movie[]> {
    return collectPages(this.pages(page));
  }

  pages(page: Page): AsyncIterable<Movie[]> {
    return keysetPages(async (after, offset, limit) => this.withPosters(await this.rows(after, offset, limit)), page);
  }

  private rows(after: number | undefined, offset: number, limit: number): Promise<MovieRow[]> {
    return this.db
      .select(columns)
      .from(movies)
      .where(after === undefined ? undefined : gt(movies.id, after))
      .orderBy(movies.id)
      .offset(offset)
      .limit(limit);
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
      // A new movie has no poster yet.
      if (!row) throw new Error("insert into movies returned no row");
      if (input.genres.length > 0) {
        await tx.insert(movieGenres).values(input.genres.map((genre, position) => ({ movieId: row.id, position, genre })));
      }
      const movie = toMovie({ ...row, genres: input.genres, posterId: null });
      const { id, ...fields } = movie;
      await appendEvent(tx, newDomainEvent("movie", id, "created", { movie_id: id, ...fields, action: "created" }), id);
      return movie;
    });
  }

  /** The rows as movies, each ready poster's download URL signed (no query: the row names it). */
  private withPosters(rows: MovieRow[]): Promise<Movie[]> {
    return Promise.all(rows.map(async (row) => toMovie(row, row.posterId === null ? undefined : await this.posters.posterUrl(row.id, row.posterId))));
  }
}
