import { ErrorReply } from "../contracts/error-reply.ts";

/** Why a command did not do what it was asked, and the exit code that says so. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export interface AdminConnection {
  url: string;
  token: string | undefined;
}

const TIMEOUT_MS = 10_000;

/** The gateway's admin API over HTTP, each failure turned into one line an operator can act on. */
export class AdminClient {
  constructor(private readonly connection: AdminConnection) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>("PUT", path, body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { url, token } = this.connection;
    if (!token) throw new CliFailure("no admin token: pass --token or set CINEMAABYSS_ADMIN_TOKEN (the gateway's ADMIN_TOKEN)", 2);
    let response: Response;
    try {
      response = await fetch(new URL(path, url), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      throw new CliFailure(`cannot reach the admin API at ${url} (${cause}); is the gateway running, and is this its ADMIN_PORT?`);
    }
    const text = await response.text();
    if (response.status === 401) throw new CliFailure(`the admin API at ${url} refused the token (401): check --token or CINEMAABYSS_ADMIN_TOKEN`);
    if (!response.ok) throw new CliFailure(`${method} ${path}: ${response.status} ${errorMessage(text)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

// The error envelope's message when there is one; otherwise the start of the body.
function errorMessage(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
  const reply = ErrorReply.safeParse(json);
  return reply.success ? reply.data.error : text.slice(0, 200);
}
