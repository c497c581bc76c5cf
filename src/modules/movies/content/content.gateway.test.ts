import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRole } from "../../../roles/run-role.ts";
import { startTestRole } from "../../../testing/test-platform.ts";
import { ContentItem, ContentUpload } from "./content.contract.ts";

// The all-in-one as `npm start` runs it: clients only know the gateway, and the filesystem store's
// URLs must lead back through it, streamed both ways (the gateway buffers only small bodies).
describe("movie content through the gateway (all-in-one, filesystem store)", () => {
  let role: RunningRole;
  let gateway: string;
  beforeAll(async () => {
    role = await startTestRole("all-in-one", { GATEWAY_BODY_BUFFER_BYTES: String(1024 * 1024) });
    gateway = `http://127.0.0.1:${role.ports.gateway}`;
  });
  afterAll(() => role?.stop());

  it("hands out URLs on the gateway's origin and takes a 50 MB PUT through it", async () => {
    const movie = (await (await fetch(`${gateway}/api/movies`, { method: "POST", body: JSON.stringify({ title: "Big", description: "d", genres: [], rating: 5 }) })).json()) as { id: number };
    const size = 50 * 1024 * 1024;
    const res = await fetch(`${gateway}/api/movies/${movie.id}/content`, { method: "POST", body: JSON.stringify({ kind: "trailer", content_type: "video/webm", size }) });
    const upload = ContentUpload.parse(await res.json());
    expect(upload.upload_url.startsWith(`${gateway}/api/movies/store/movies/${movie.id}/`)).toBe(true);

    const hash = createHash("sha256");
    const block = randomBytes(256 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close();
        const chunk = Buffer.from(block);
        chunk.writeUInt32BE(sent, 0);
        sent += chunk.length;
        hash.update(chunk);
        controller.enqueue(chunk);
      },
    });
    const put = await fetch(upload.upload_url, { method: "PUT", headers: { "content-type": "video/webm" }, body, duplex: "half" } as RequestInit);
    expect(put.status, await put.text()).toBe(200);

    const done = ContentItem.parse(await (await fetch(`${gateway}/api/movies/${movie.id}/content/${upload.content_id}/complete`, { method: "POST" })).json());
    expect(done.download_url.startsWith(gateway)).toBe(true);
    const down = await fetch(done.download_url);
    const back = createHash("sha256");
    let received = 0;
    for await (const chunk of down.body!) {
      back.update(chunk);
      received += chunk.byteLength;
    }
    expect(received).toBe(size);
    expect(back.digest("hex")).toBe(hash.digest("hex"));
    // A bound, not a speed claim: 100 MB through two hops on a loaded shared machine.
  }, 180_000);
});
