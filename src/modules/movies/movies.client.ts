import { z } from "@hono/zod-openapi";
import { RemoteClient, queryString } from "../../adapters/http-client/remote-client.ts";
import { offsetPages } from "../../adapters/http-client/offset-pages.ts";
import type { Page } from "../../contracts/pagination.ts";
import { Movie, type MovieInput, type MoviesApi } from "./movies.contract.ts";

/** MoviesApi over HTTP: the movies service. */
export class MoviesClient implements MoviesApi {
  constructor(private readonly http: RemoteClient) {}

  list(page: Page): Promise<Movie[]> {
    return this.http.call("GET", `/api/movies${queryString({ limit: page.limit, offset: page.offset })}`, z.array(Movie));
  }

  pages(page: Page): AsyncIterable<Movie[]> {
    return offsetPages((one) => this.list(one), page);
  }

  // The movies service keeps the list serialized itself; across the network it is streamed in pages.
  async wholeList(): Promise<undefined> {
    return undefined;
  }

  get(id: number): Promise<Movie> {
    return this.http.call("GET", `/api/movies/${id}`, Movie);
  }

  create(input: MovieInput): Promise<Movie> {
    return this.http.call("POST", "/api/movies", Movie, input);
  }
}
