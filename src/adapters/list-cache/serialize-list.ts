/**
 * One element of a list as JSON text: complete, or cut where a per-request value goes (`hole`),
 * e.g. a poster URL that is signed for each request and so never cached.
 */
export type ListEntry<H> = string | readonly [before: string, hole: H, after: string];

/** A whole JSON array as bytes cut at its holes: `parts.length === holes.length + 1`. */
export interface SerializedArray<H> {
  readonly parts: readonly Buffer[];
  readonly holes: readonly H[];
  readonly bytes: number;
}

/**
 * Joins pages of entries into one JSON array, or answers undefined as soon as it passes `maxBytes`
 * (the pages are abandoned then). Memory: the bound plus a page while reading, twice the bound for
 * the moment the chunks are joined into one buffer per part.
 */
export async function serializeWithin<H>(pages: AsyncIterable<readonly ListEntry<H>[]>, maxBytes: number): Promise<SerializedArray<H> | undefined> {
  const parts: Buffer[] = [];
  const holes: H[] = [];
  let chunks: Buffer[] = [];
  let bytes = 0;
  let text = "[";
  let first = true;
  const flush = () => {
    const chunk = Buffer.from(text);
    chunks.push(chunk);
    bytes += chunk.byteLength;
    text = "";
  };
  for await (const page of pages) {
    for (const entry of page) {
      if (!first) text += ",";
      first = false;
      if (typeof entry === "string") {
        text += entry;
        continue;
      }
      text += entry[0];
      flush();
      parts.push(Buffer.concat(chunks));
      chunks = [];
      holes.push(entry[1]);
      text = entry[2];
    }
    flush();
    if (bytes > maxBytes) return undefined;
  }
  text += "]";
  flush();
  if (bytes > maxBytes) return undefined;
  parts.push(Buffer.concat(chunks));
  return { parts, holes, bytes };
}
