import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../adapters/http-server/create-app.ts";
import { jsonArrayReply } from "../../adapters/http-server/json-array-reply.ts";
import { errorResponses, jsonBody, jsonReply } from "../../adapters/http-server/openapi-shapes.ts";
import { idParam, requiredIdParam } from "../../contracts/identifiers.ts";
import { pageQuery } from "../../contracts/pagination.ts";
import { Movie, MovieInput, type MoviesApi } from "./movies.contract.ts";

const listOrGet = createRoute({
  method: "get",
  path: "/api/movies",
  tags: ["movies"],
  summary: "All movies with their genres, a page of them, or one by ?id=",
  request: { query: pageQuery.extend({ id: idParam }) },
  responses: {
    200: jsonReply("The list in id order; with ?id= the one movie", z.union([z.array(Movie), Movie])),
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
      if (id === undefined) return jsonArrayReply(c, movies.pages(page));
      return c.json(await movies.get(id), 200);
    })
    .openapi(getOne, async (c) => c.json(await movies.get(c.req.valid("param").id), 200))
    .openapi(create, async (c) => c.json(await movies.create(c.req.valid("json")), 201));
}
