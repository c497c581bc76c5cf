import { Agent, request } from "undici";
import { isTimeout } from "./transport-errors.ts";
import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import type { z } from "zod";
import { AppError } from "../../contracts/app-error.ts";
import { ErrorReply } from "../../contracts/error-reply.ts";
import { currentRequest } from "../request-context/request-context.ts";

/**
 * No answer came from the remote service (refused, reset, timed out): not a domain error. The
 * client reads only whether it timed out; the driver's words, with the address, are for the log.
 */
export class TransportFailure extends AppError {
  override name = "TransportFailure";
  constructor(
    readonly service: string,
    timedOut: boolean,
    detail: string,
  ) {
    super("UNAVAILABLE", `${service} unavailable${timedOut ? ": timed out" : ""}`, undefined, detail);
  }
}

export interface RemoteClientOptions {
  connectTimeoutMs: number;
  /** Until the reply's headers, and between body chunks. */
  timeoutMs: number;
  /** Extra tries of idempotent calls after a transport failure. */
  retries: number;
}

export const defaultRemoteOptions: RemoteClientOptions = { connectTimeoutMs: 2_000, timeoutMs: 10_000, retries: 2 };

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE"]);

function isTransport(error: unknown): boolean {
  return error instanceof TransportFailure;
}

/**
 * The base of every remote port client: JSON over HTTP with connect and reply timeouts, retries of
 * idempotent calls only, the request id and the caller's Authorization carried along, the error envelope turned back
 * into the same AppError by its code, and replies parsed with the contract's zod schema.
 */
export class RemoteClient {
  private readonly agent: Agent;
  private readonly retryIdempotent;

  constructor(
    readonly service: string,
    private readonly baseUrl: string,
    private readonly options: RemoteClientOptions = defaultRemoteOptions,
  ) {
    this.agent = new Agent({ connect: { timeout: options.connectTimeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    this.retryIdempotent = retry(handleWhen(isTransport), {
      maxAttempts: options.retries,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }),
    });
  }

  /** Calls `method path` and parses the 2xx reply with `schema`; throws the remote's AppError or TransportFailure. */
  async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<z.output<S>> {
    const once = () => this.send(method, path, body, extraHeaders);
    const { status, text } = IDEMPOTENT.has(method) ? await this.retryIdempotent.execute(once) : await once();
    const json = text === "" ? undefined : safeJson(text);
    if (status >= 400) {
      const envelope = ErrorReply.safeParse(json);
      if (envelope.success) throw new AppError(envelope.data.code, envelope.data.error);
      throw new AppError("BAD_GATEWAY", `${this.service} answered ${status} without an error envelope`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError("BAD_GATEWAY", `${this.service} replied with an unexpected shape: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(method: string, path: string, body: unknown, extraHeaders: Record<string, string>): Promise<{ status: number; text: string }> {
    const context = currentRequest();
    const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
    if (context) headers["x-request-id"] = context.requestId;
    // The caller's own token, not a claim about it: the next role verifies it with the same key ring.
    if (context?.authorization) headers.authorization = context.authorization;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const reply = await request(`${this.baseUrl}${path}`, {
        method: method as "GET",
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        dispatcher: this.agent,
      });
      return { status: reply.statusCode, text: await reply.body.text() };
    } catch (error) {
      throw new TransportFailure(this.service, isTimeout(error), (error as Error).message);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `?a=1&b=2` from the defined values; empty when there are none. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}
