import { errors } from "undici";

/** Whether undici gave up waiting: to connect, for the reply's headers, or between body chunks. */
export function isTimeout(error: unknown): boolean {
  return error instanceof errors.ConnectTimeoutError || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
}
