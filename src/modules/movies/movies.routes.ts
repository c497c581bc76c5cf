import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/replies/json-array-reply.ts";
import { serializedListReply } from "../../adapters/http-server/replies/serialized-list-reply.ts";
import { errorResponses, jsonBody, jsonReply, notModifiedReply } from "../../adapters/http-server/docs/openapi-shapes.ts";
import { idParam, requiredIdParam } from "../../contracts/identifiers.ts";
import { pageQuery } from "../../contracts/pagination.ts";
import { Movie, MovieInput, type MoviesApi } from "./movies.contract.ts";
import { publicUrl } from "./content/public-url.ts";
import type { Context } from "hono";
import type { AppEnv } from "../../adapters/http-server/app-env.ts";

/** The movie as the client can follow its poster URL. */
function linked(movie: Movie, c: Context<AppEnv>): Movie {
  return movie.poster_url === undefined ? movie : { ...movie, poster_url: publicUrl(movie.poster_url, c) };
}

async function* linkedPages(pages: AsyncIterable<Movie[]>, c: Context<AppEnv>): AsyncIterable<Movie[]> {
  for await (const page of pages) yield page.map((m) => linked(m, c));
}

const listOrGet = createRoute({
  method: "get",
  path: "/api/movies",
  tags: ["movies"],
  summary: "All movies with their genres, a page of them, or one by ?id=",
  request: { query: pageQuery.extend({ id: idParam }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one movie", z.union([z.array(Movie), Movie])),
    304: notModifiedReply,
    ...errorResponses(400, 404),
  },
});

const getOne = createRoute({
  method: "get",
  path: "/api/movies/{id}",
  tags: ["movies"],
  summary: "One movie by id",
  request: { params: z.object({ id: requiredIdParam }) },
  responses: { 200: jsonReply("The movie", Movie), ...errorResponses(400, 404) },
});

const create = createRoute({
  method: "post",
  path: "/api/movies",
  tags: ["movies"],
  summary: "Create a movie",
  request: { body: jsonBody(MovieInput) },
  responses: { 201: jsonReply("The created movie", Movie), ...errorResponses(400) },
});

/** The legacy /api/movies endpoints (plus /api/movies/{id}) over any MoviesApi. */
export function moviesRoutes(movies: MoviesApi) {
  return createRouter()
    .openapi(listOrGet, async (c) => {
      const { id, ...page } = c.req.valid("query");
      if (id !== undefined) return c.json(linked(await movies.get(id), c), 200);
      const whole = page.limit === undefined && !page.offset ? await movies.wholeList() : undefined;
      if (whole) return serializedListReply<Movie>(c, whole, (url) => `,"poster_url":${JSON.stringify(publicUrl(url, c))}`);
      return jsonArrayReply(c, linkedPages(movies.pages(page), c));
    })
    .openapi(getOne, async (c) => c.json(linked(await movies.get(c.req.valid("param").id), c), 200))
    .openapi(create, async (c) => c.json(await movies.create(c.req.valid("json")), 201));
}
