import { AppError } from "../../contracts/app-error.ts";

/** The client's request body as the gateway forwards it. */
export type ClientBody =
  | { kind: "none" }
  /** Read whole before any target was chosen: it can be sent again, and no slot waited on the client. */
  | { kind: "whole"; bytes: Uint8Array<ArrayBuffer> }
  /** Larger than the buffer limit: streamed on; `complete()` says whether the client sent all of it. */
  | { kind: "stream"; stream: ReadableStream<Uint8Array>; complete(): boolean };

export interface ClientBodyLimits {
  /** Bodies up to this many bytes are read whole before the request takes a slot or a connection. */
  bufferBytes: number;
  /** The whole buffered body must arrive within this; a slower client gets 408 from the gateway. */
  timeoutMs: number;
}

const clientTooSlow = (limits: ClientBodyLimits) => new AppError("REQUEST_TIMEOUT", `body: not received within ${limits.timeoutMs} ms`);

/**
 * Takes the client's body in hand, as nginx's request buffering does: a small body is read whole (or
 * the client is answered 408), so time spent waiting on a slow client is never a target's time and
 * never holds a target's slot. A body larger than the limit streams on from what was read so far.
 */
export async function readClientBody(body: ReadableStream<Uint8Array> | null, declaredLength: number | undefined, limits: ClientBodyLimits): Promise<ClientBody> {
  if (body === null) return { kind: "none" };
  if (declaredLength !== undefined && declaredLength > limits.bufferBytes) return streamed(body.getReader(), []);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(clientTooSlow(limits)), limits.timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
      if (total > limits.bufferBytes) return streamed(reader, chunks);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof AppError) throw error;
    // The client reset the connection mid-body: nothing was sent anywhere.
    throw new AppError("INVALID_INPUT", "body: the client stopped sending it");
  } finally {
    clearTimeout(timer);
  }
  return { kind: "whole", bytes: concat(chunks, total) };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** What was read so far, then the rest of the client's stream, noting when it ends. */
function streamed(reader: ReadableStreamDefaultReader<Uint8Array>, head: Uint8Array[]): ClientBody {
  let complete = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = head.shift();
      if (next) return controller.enqueue(next);
      const { done, value } = await reader.read();
      if (done) {
        complete = true;
        controller.close();
      } else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { kind: "stream", stream, complete: () => complete };
}
