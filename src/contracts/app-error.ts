/**
 * The one table from error code to HTTP status. Codes are strings, not classes, because an error has
 * to survive a trip across a process boundary: a remote client rebuilds the same AppError from `code`.
 */
export const errorStatus = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** A domain or request error that callers may show to the client: a code, a status, a message. */
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds the client should wait before trying again (429, 503). */
    readonly retryAfterSeconds?: number,
    /** Why, for the log only: a library's message or an internal address never reaches the client. */
    readonly detail?: string,
  ) {
    super(message);
  }

  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code];
  }

  static invalid(message: string): AppError {
    return new AppError("INVALID_INPUT", message);
  }

  static notFound(message: string): AppError {
    return new AppError("NOT_FOUND", message);
  }

  static conflict(message: string): AppError {
    return new AppError("CONFLICT", message);
  }

  static unauthorized(message: string, detail?: string): AppError {
    return new AppError("UNAUTHORIZED", message, undefined, detail);
  }

  static unavailable(message: string, detail?: string): AppError {
    return new AppError("UNAVAILABLE", message, undefined, detail);
  }
}
