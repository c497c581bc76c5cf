import { createHash } from "node:crypto";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { SerializedList } from "../../../contracts/serialized-list.ts";

// What `c.json(rows, 200)` is typed as, so an OpenAPI route's reply type is checked the same way.
type TypedArrayReply<T> = Response & TypedResponse<JSONParsed<T[]>, 200, "json">;

/** True when an If-None-Match header names this ETag (weak comparison, as RFC 9110 asks for GET). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/**
 * A whole list from its serialized bytes, with a strong ETag: the list's version, plus a digest of
 * the per-request values when there are any (so equal tags always mean equal bytes). A matching
 * If-None-Match gets 304 and no body. `valueText` turns each value into the JSON text that goes in
 * its place.
 */
export function serializedListReply<T>(c: Context, list: SerializedList, valueText: (value: string) => string): TypedArrayReply<T> {
  const texts = list.values.map(valueText);
  const etag = texts.length === 0 ? `"${list.version}"` : `"${list.version}-${createHash("sha1").update(texts.join("\n")).digest("base64url")}"`;
  if (noneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304, { ETag: etag }) as unknown as TypedArrayReply<T>;
  const body = texts.length === 0 ? list.parts[0]! : Buffer.concat(list.parts.flatMap((part, i) => (i < texts.length ? [part, Buffer.from(texts[i]!)] : [part])));
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "application/json", ETag: etag }) as unknown as TypedArrayReply<T>;
}
