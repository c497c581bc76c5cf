import { describe, expect, it } from "vitest";
import { AppError } from "../../contracts/app-error.ts";
import { readClientBody } from "./client-body.ts";

const limits = { bufferBytes: 10, timeoutMs: 200 };
const bytes = (text: string) => new TextEncoder().encode(text);

/** A client stream that sends these pieces, waiting `gapMs` before each. */
function client(pieces: string[], gapMs = 0): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (i < pieces.length) controller.enqueue(bytes(pieces[i++]!));
      else controller.close();
    },
  });
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("readClientBody", () => {
  it("reads a body within the limit whole", async () => {
    const body = await readClientBody(client(["ab", "cd"]), undefined, limits);
    expect(body).toEqual({ kind: "whole", bytes: bytes("abcd") });
  });

  it("answers 408 when the body does not arrive whole in time", async () => {
    const failure = await readClientBody(client(["a", "b", "c", "d"], 100), 4, limits).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "REQUEST_TIMEOUT", status: 408 });
  });

  it("streams a body larger than the limit on from what was read, and says when it is complete", async () => {
    const body = await readClientBody(client(["0123456", "789abc", "def"]), undefined, limits);
    expect(body.kind).toBe("stream");
    if (body.kind !== "stream") return;
    expect(body.complete()).toBe(false);
    expect(await text(body.stream)).toBe("0123456789abcdef");
    expect(body.complete()).toBe(true);
  });

  it("does not buffer a body whose declared length is over the limit", async () => {
    const body = await readClientBody(client(["0123456789abcdef"], 300), 16, limits);
    expect(body.kind).toBe("stream");
  });

  it("has nothing to read without a body", async () => {
    expect(await readClientBody(null, undefined, limits)).toEqual({ kind: "none" });
  });
});
