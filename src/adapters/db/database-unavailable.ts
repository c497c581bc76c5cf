// SQLSTATEs that say the server cannot serve right now, whatever the query: connection exceptions
// (class 08), the server shutting down or starting (57P01-57P03), no connection slot left (53300).
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
// What the socket says when the server is away or went away mid-query.
const UNREACHABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// What `pg` throws with no code: a connection lost mid-query, a pool that waited too long for one.
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/i, /is not queryable/, /^Query read timeout/];

/**
 * Whether an error means the database is away (stopped, restarting, unreachable, out of
 * connections) rather than that the statement was wrong: the one is a 503 the client may retry,
 * the other a bug. Looks through `cause`, where drizzle keeps the driver's error. Plain data
 * checks on the error's shape, so it pulls in no driver.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_STATES.test(code) || UNREACHABLE_ERRNOS.has(code))) return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(e.message))) return true;
    // Node's happy-eyeballs connect gives an AggregateError of per-address refusals.
    if (e instanceof AggregateError && e.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}
