import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";

const encoder = new TextEncoder();

// The rows of a page as they sit inside the whole array: one native stringify, brackets dropped.
function joined(rows: readonly unknown[]): string {
  return JSON.stringify(rows).slice(1, -1);
}

/**
 * A 200 JSON array read page by page: byte for byte what `c.json(allRows)` would send, with the
 * memory of one page. A list that fits in its first page goes out whole (with Content-Length, as
 * before); a longer one is streamed, one chunk per page. The first page is read before anything is
 * sent, so a failing query still gets the usual error reply; a failure after that cuts the
 * connection, so a client never takes a truncated array for a whole one.
 */
export async function jsonArrayReply<T>(c: Context, pages: AsyncIterable<readonly T[]>): Promise<TypedArrayReply<T>> {
  return (await arrayReply(c, pages)) as TypedArrayReply<T>;
}

// What `c.json(rows, 200)` is typed as, so an OpenAPI route's reply type is checked the same way.
type TypedArrayReply<T> = Response & TypedResponse<JSONParsed<T[]>, 200, "json">;

async function arrayReply(c: Context, pages: AsyncIterable<readonly unknown[]>): Promise<Response> {
  const iterator = pages[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return c.body("[]", 200, { "Content-Type": "application/json" });
  const second = await iterator.next();
  if (second.done) return c.body(`[${joined(first.value)}]`, 200, { "Content-Type": "application/json" });
  let pending: readonly unknown[] | undefined = second.value;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`[${joined(first.value)}`));
    },
    async pull(controller) {
      try {
        if (pending) {
          controller.enqueue(encoder.encode(`,${joined(pending)}`));
          pending = undefined;
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          controller.enqueue(encoder.encode("]"));
          controller.close();
        } else if (next.value.length > 0) {
          controller.enqueue(encoder.encode(`,${joined(next.value)}`));
        }
      } catch (cause) {
        // Nothing of the cause goes to the client: the reply is cut; the server logs the cause.
        controller.error(new Error("the list could not be read to its end", { cause }));
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return c.body(body, 200, { "Content-Type": "application/json" });
}
