/**
 * A process cannot start for a reason its operator must fix, such as a data directory another
 * process holds. The message is one line that names the setting and the cause, written for stderr
 * like ConfigError's; a stack trace would add nothing.
 */
export class StartupError extends Error {
  override name = "StartupError";
}
