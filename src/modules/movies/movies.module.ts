import type { AdapterBinding, ModuleDescriptor, PortBinding } from "../module-descriptor.ts";
import { DATABASE } from "../../adapters/db/database.ts";
import { LIST_CACHE_BUDGET } from "../../adapters/list-cache/byte-budget.ts";
import { MOVIES_API, type MoviesApi } from "./movies.contract.ts";
import { MoviesClient } from "./movies.client.ts";
import { moviesRoutes } from "./movies.routes.ts";
import { MoviesService } from "./movies.service.ts";
import { moviesSchema } from "./movies.tables.ts";
import { CONTENT_STORE, type ContentStore } from "./content/stores/content-store.ts";
import { MOVIE_CONTENT_API, type MovieContentApi } from "./content/content.contract.ts";
import { MovieContentClient } from "./content/content.client.ts";
import { contentRoutes } from "./content/content.routes.ts";
import { MovieContentService } from "./content/content.service.ts";
import { runContentCleanup } from "./content/content-cleanup.ts";
import { FILE_STORE_PATH, FileContentStore } from "./content/stores/file-content-store.ts";
import { fileStoreRoutes } from "./content/stores/file-store.routes.ts";
import { openContentStore } from "./content/stores/open-content-store.ts";

const contentStore: AdapterBinding<ContentStore> = {
  token: CONTENT_STORE,
  open: (config) => openContentStore(config.content),
};

const contentPort: PortBinding<MovieContentApi> = {
  token: MOVIE_CONTENT_API,
  inProcess: (c, config) => new MovieContentService(c.resolve(DATABASE), c.resolve(CONTENT_STORE), config.content),
  remote: (http) => new MovieContentClient(http),
};

const moviesPort: PortBinding<MoviesApi> = {
  token: MOVIES_API,
  // Posters are the content service's, in this process whenever the movies service is.
  inProcess: (c, config) =>
    new MoviesService(c.resolve(DATABASE), new MovieContentService(c.resolve(DATABASE), c.resolve(CONTENT_STORE), config.content), c.resolve(LIST_CACHE_BUDGET)),
  remote: (http) => new MoviesClient(http),
};

/** Movie metadata, genres, ratings, posters and trailers: the first module extracted from the monolith. */
export const moviesModule: ModuleDescriptor = {
  name: "movies",
  title: "CinemaAbyss movies service",
  routePrefixes: ["/api/movies"],
  defaultPort: 8081,
  healthPath: "/api/movies/health",
  inMonolith: true,
  schema: moviesSchema.schemaName,
  ports: [moviesPort, contentPort],
  adapters: [contentStore],
  streamedBodyPaths: [FILE_STORE_PATH],
  routes: (c) => {
    const router = moviesRoutes(c.resolve(MOVIES_API)).route("/", contentRoutes(c.resolve(MOVIE_CONTENT_API)));
    const store = c.resolve(CONTENT_STORE);
    if (store instanceof FileContentStore) router.route("/", fileStoreRoutes(store));
    return router;
  },
  worker: (c, log, config) => {
    const content = c.resolve(MOVIE_CONTENT_API);
    // Only where the content service runs in this process; a remote one cleans up after itself.
    if (!(content instanceof MovieContentService)) return { stop: async () => {} };
    return runContentCleanup(content, config.content.cleanupIntervalSeconds, log.child({ component: "content-cleanup" }));
  },
};
