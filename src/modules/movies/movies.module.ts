import type { ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { MOVIES_API, type MoviesApi } from "./movies.contract.ts";
import { MoviesClient } from "./movies.client.ts";
import { moviesRoutes } from "./movies.routes.ts";
import { MoviesService } from "./movies.service.ts";
import { moviesSchema } from "./movies.tables.ts";

const moviesPort: PortBinding<MoviesApi> = {
  token: MOVIES_API,
  inProcess: (c) => new MoviesService(c.resolve(DATABASE)),
  remote: (http) => new MoviesClient(http),
};

/** Movie metadata, genres and ratings: the first module extracted from the monolith. */
export const moviesModule: ModuleDescriptor = {
  name: "movies",
  title: "CinemaAbyss movies service",
  routePrefixes: ["/api/movies"],
  defaultPort: 8081,
  healthPath: "/api/movies/health",
  inMonolith: true,
  schema: moviesSchema.schemaName,
  ports: [moviesPort],
  routes: (c) => moviesRoutes(c.resolve(MOVIES_API)),
};
