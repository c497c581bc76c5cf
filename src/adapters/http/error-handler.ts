import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorCode } from "../../contracts/app-error.ts";
import type { Logger } from "../logging/logger.ts";

const codeOfStatus: Record<number, ErrorCode> = {
  400: "INVALID_INPUT",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  429: "TOO_MANY_REQUESTS",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  502: "BAD_GATEWAY",
  503: "UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

/** Turns anything thrown into an AppError; what is not ours becomes INTERNAL with no detail. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    return new AppError(codeOfStatus[error.status] ?? "INTERNAL", error.message || "request failed");
  }
  return new AppError("INTERNAL", "internal error");
}

/** The one place an error becomes an HTTP reply: `{error, code, requestId}`, never a stack trace. */
export function errorReply(error: unknown, c: Context, log: Logger): Response {
  const appError = toAppError(error);
  const requestId = c.get("requestId") as string | undefined;
  if (appError.code === "INTERNAL") {
    log.error({ err: error, requestId, method: c.req.method, path: c.req.path }, "unhandled error");
  }
  if (appError.retryAfterSeconds !== undefined) c.header("Retry-After", String(Math.max(1, Math.ceil(appError.retryAfterSeconds))));
  if (appError.code === "UNAUTHORIZED") c.header("WWW-Authenticate", 'Bearer realm="cinemaabyss"');
  return c.json({ error: appError.message, code: appError.code, requestId }, appError.status);
}
