export { MOVIES_API, Movie, MovieInput, type MoviesApi } from "./movies.contract.ts";
export { MoviesService } from "./movies.service.ts";
export { MoviesClient } from "./movies.client.ts";
export { moviesRoutes } from "./movies.routes.ts";
export { moviesModule } from "./movies.module.ts";
export { MOVIE_CONTENT_API, ContentItem, ContentUpload, ContentUploadRequest, type MovieContentApi } from "./content/content.contract.ts";
