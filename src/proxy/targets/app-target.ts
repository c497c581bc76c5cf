import { UpstreamFailure, type Target, type UpstreamReply, type UpstreamRequest } from "./target.ts";
import { recordOf } from "./upstream-reply.ts";

/** Anything with Hono's `fetch`: the all-in-one hands the gateway its monolith and service apps. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A target in this process: the request goes to the app's fetch with no network hop. */
export function appTarget(name: string, fetch: FetchHandler, options: { timeoutMs: number }): Target {
  return {
    name,
    address: "in-process",
    async send(req: UpstreamRequest): Promise<UpstreamReply> {
      const request = new Request(`http://${name}.in-process${req.pathAndQuery}`, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal instanceof AbortSignal ? req.signal : undefined,
        // A streamed body needs half duplex in Node.
        duplex: "half",
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UpstreamFailure(name, "timeout", `no response in ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      try {
        const response = await Promise.race([Promise.resolve(fetch(request)), timeout]);
        return { status: response.status, headers: recordOf(response.headers), body: response.body };
      } catch (error) {
        if (error instanceof UpstreamFailure) throw error;
        if (req.signal.aborted) throw new UpstreamFailure(name, "client-gone", "the client went away");
        if (!req.bodyComplete()) throw new UpstreamFailure(name, "client-body", "the client's body did not all arrive");
        throw new UpstreamFailure(name, "reset", (error as Error).message);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {},
  };
}
