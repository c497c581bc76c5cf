import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, errorStatus, type ErrorCode } from "../../../contracts/app-error.ts";
import type { ErrorReply } from "../../../contracts/error-reply.ts";
import { isDatabaseUnavailable } from "../../db/database-unavailable.ts";
import type { Logger } from "../../logging/logger.ts";
import type { AppEnv } from "../app-env.ts";

// The inverse of the one code-to-status table (each status has one code).
const codeOfStatus = new Map(Object.entries(errorStatus).map(([code, status]) => [status as number, code as ErrorCode]));

// Hono's own refusals in our words; its message stays in the log. Our routes take JSON bodies only,
// so its 400 is the validator's "Malformed JSON in request body" and its 415 a body of another type.
const hono: Partial<Record<number, string>> = {
  400: "body: is not valid JSON",
  415: "body: must be JSON (Content-Type: application/json)",
};

// How long a client should wait after a 503 for a database that is away: about one restart.
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// The driver's own words, not drizzle's wrapper, which quotes the statement and its parameters.
const driverMessage = (error: unknown): string => {
  const cause = (error as Error).cause;
  return cause instanceof Error ? cause.message : (error as Error).message;
};

/**
 * Turns anything thrown into an AppError: a database that is away becomes UNAVAILABLE with
 * Retry-After (the driver's words go to the log only); anything else not ours becomes INTERNAL.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError("UNAVAILABLE", "the database is unavailable; try again shortly", DATABASE_RETRY_AFTER_SECONDS, driverMessage(error));
  }
  if (error instanceof HTTPException) {
    return new AppError(codeOfStatus.get(error.status) ?? "INTERNAL", hono[error.status] ?? "request refused", undefined, error.message);
  }
  return new AppError("INTERNAL", "internal error");
}

export interface ErrorAnswer {
  status: ContentfulStatusCode;
  headers: Record<string, string>;
  body: ErrorReply;
}

/** Which request failed, for the log line and the reply's request id. */
export interface FailedRequest {
  requestId: string;
  method: string;
  path: string;
}

/** The one place an error becomes an HTTP reply: `{error, code, requestId}`, never a stack trace. */
export function errorAnswer(error: unknown, request: FailedRequest, log: Logger): ErrorAnswer {
  const appError = toAppError(error);
  const { requestId, method, path } = request;
  if (appError.code === "INTERNAL") {
    log.error({ err: error, requestId, method, path }, "unhandled error");
  } else if (appError.detail !== undefined) {
    log.warn({ requestId, method, path, code: appError.code, detail: appError.detail }, appError.message);
  }
  const headers: Record<string, string> = {};
  if (appError.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.max(1, Math.ceil(appError.retryAfterSeconds)));
  if (appError.code === "UNAUTHORIZED") headers["www-authenticate"] = 'Bearer realm="cinemaabyss"';
  return { status: appError.status as ContentfulStatusCode, headers, body: { error: appError.message, code: appError.code, requestId } };
}

/** errorAnswer as a Hono reply. */
export function errorReply(error: unknown, c: Context<AppEnv>, log: Logger): Response {
  const answer = errorAnswer(error, { requestId: c.get("requestId"), method: c.req.method, path: c.req.path }, log);
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  return c.json(answer.body, answer.status);
}
