import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { AppError } from "../../contracts/app-error.ts";
import type { Logger } from "../logging/logger.ts";
import { apiDocs } from "./docs/api-docs.ts";
import type { AppEnv } from "./app-env.ts";
import { errorReply } from "./errors/error-handler.ts";
import { answerWrongMethodsWith405 } from "./errors/method-not-allowed.ts";
import type { RequestIdentity } from "../request-context/request-context.ts";
import { requestPipeline, type RequestPipelineOptions } from "./pipeline/request-pipeline.ts";
import { validationMessage } from "../../contracts/validation-message.ts";

/** A request part (`body`, `query`, ...) its schema refused: the 400 envelope naming what is wrong. */
export function invalidRequest(error: Parameters<typeof validationMessage>[0], part: string): AppError {
  return AppError.invalid(validationMessage(error, part));
}

// Query, path and header validation failures become the same 400 envelope as a bad body.
const rejectInvalidRequest: Hook<unknown, AppEnv, string, void> = (result) => {
  if (!result.success) throw invalidRequest(result.error, result.target === "json" ? "body" : result.target);
};

/** Where every app mounts requestPipeline: Hono's histogram label for what the pipeline refuses before any route. */
export const PIPELINE_PATH = "/*";

export type BaseOptions = Omit<RequestPipelineOptions, "log" | "bodies">;

/** A router for one module's routes; its OpenAPI entries merge into the app that mounts it. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalidRequest });
}

/**
 * Request id, access log and the one error envelope (see requestPipeline): what every HTTP app of
 * ours starts with. With an identity, the caller's bearer token is verified here too (every role
 * verifies it itself).
 */
export function withBaseMiddleware<A extends Hono<AppEnv>>(app: A, log: Logger, options: BaseOptions & Pick<RequestPipelineOptions, "bodies"> = {}): A {
  app.use(PIPELINE_PATH, requestPipeline({ log, ...options }));
  app.onError((error, c) => errorReply(error, c, log));
  app.notFound((c) => errorReply(AppError.notFound(`no route for ${c.req.method} ${c.req.path}`), c, log));
  return app;
}

/**
 * The base of every module API app: the base middleware with the caller's identity, a body limit,
 * legacy JSON bodies. Paths under `streamedBodyPaths` (uploads) skip the last two: their handlers
 * stream and bound the body.
 */
export function createApp(log: Logger, options: BaseOptions & { identity: RequestIdentity; streamedBodyPaths?: readonly string[] }): OpenAPIHono<AppEnv> {
  const { streamedBodyPaths, ...base } = options;
  return withBaseMiddleware(createRouter(), log, { ...base, bodies: { streamedPaths: streamedBodyPaths ?? [] } });
}

/** Adds /openapi.json and /docs for what the app serves, then 405 for every known path's other methods. */
export function finishApp(app: OpenAPIHono<AppEnv>, title: string): OpenAPIHono<AppEnv> {
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: { title, version: "1.0.0", description: "CinemaAbyss API, generated from the zod contracts." },
  });
  apiDocs(app, title);
  answerWrongMethodsWith405(app);
  return app;
}
