import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { Hono, MiddlewareHandler } from "hono";
import { AppError } from "../../contracts/app-error.ts";
import type { Logger } from "../logging/logger.ts";
import { apiDocs } from "./api-docs.ts";
import { bodyLimit } from "./body-limit.ts";
import type { AppEnv } from "./app-env.ts";
import { errorReply } from "./error-handler.ts";
import { legacyJsonBody } from "./legacy-json-body.ts";
import { answerWrongMethodsWith405 } from "./method-not-allowed.ts";
import { authenticate, requestContext, type RequestIdentity } from "../request-context/request-context.ts";
import { requestLog } from "./request-log.ts";
import { assignRequestId } from "./request-id.ts";
import { validationMessage } from "../../contracts/validation-message.ts";

const MAX_BODY_BYTES = 1024 * 1024;

// Query, path and header validation failures become the same 400 envelope as a bad body.
const rejectInvalidRequest: Hook<unknown, AppEnv, string, void> = (result) => {
  if (!result.success) {
    throw AppError.invalid(validationMessage(result.error, result.target === "json" ? "body" : result.target));
  }
};

export interface BaseOptions {
  /** The HTTP server histogram's middleware. */
  timing?: MiddlewareHandler<AppEnv>;
  /** Verifies the caller's bearer token and closes the routes the switch closes. */
  identity?: RequestIdentity;
}

/** A router for one module's routes; its OpenAPI entries merge into the app that mounts it. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: rejectInvalidRequest });
}

/**
 * Request id, access log and the one error envelope: what every HTTP app of ours starts with.
 * `timing` (the HTTP server histogram) goes first, so it sees the status the error handler chose.
 * With an identity, the caller's bearer token is verified here too (every role verifies it itself).
 */
export function withBaseMiddleware<A extends Hono<AppEnv>>(app: A, log: Logger, options: BaseOptions = {}): A {
  if (options.timing) app.use(options.timing);
  app.use(assignRequestId());
  app.use(requestContext());
  app.use(requestLog(log));
  if (options.identity) app.use(authenticate(options.identity));
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
  const app = withBaseMiddleware(createRouter(), log, options);
  const streamedBodyPaths = options.streamedBodyPaths ?? [];
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `body: larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  const legacy = legacyJsonBody();
  const streamed = (path: string) => streamedBodyPaths.some((prefix) => path.startsWith(prefix));
  app.use((c, next) => (streamed(c.req.path) ? next() : limit(c, next)));
  app.use((c, next) => (streamed(c.req.path) ? next() : legacy(c, next)));
  return app;
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
