import { Readable } from "node:stream";
import type { HeaderRecord, UpstreamReply } from "./target.ts";

/** Releases a reply that will not be used, so its connection goes back to the pool (or closes). */
export async function discardReply(reply: UpstreamReply): Promise<void> {
  const body = reply.body;
  // undici reports a body destroyed unread as an abort: nobody is waiting for it any more.
  if (body instanceof Readable) body.on("error", () => {}).destroy();
  else await body?.cancel().catch(() => {});
}

/** The whole body as text: for the gateway's own reads (shadow copies, OpenAPI documents), never for clients. */
export async function replyText(reply: UpstreamReply): Promise<string> {
  const body = reply.body;
  if (body === null) return "";
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** The reply's headers as a web Headers (repeated fields kept). */
export function headersOf(record: HeaderRecord): Headers {
  const headers = new Headers();
  for (const name in record) {
    const value = record[name]!;
    if (typeof value === "string") headers.append(name, value);
    else for (const v of value) headers.append(name, v);
  }
  return headers;
}

/** A web Response's headers as a record: Set-Cookie stays a list, as Node keeps it. */
export function recordOf(headers: Headers): HeaderRecord {
  const record: HeaderRecord = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record["set-cookie"] = cookies;
  return record;
}
