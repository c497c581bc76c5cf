import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRole } from "../../../roles/run-role.ts";
import { startTestRole } from "../../../testing/test-platform.ts";
import { ContentItem, ContentUpload } from "./content.contract.ts";
import { bytesReach, generatedBody, partialFileBytes } from "./content.contract-suite.ts";

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

    const store = role.platform!.config.content.store;
    if (store.kind !== "filesystem") throw new Error("expected the filesystem store");
    // Streamed through both hops: with 10 MB of 50 sent, wait for 5 MB on the store's disk.
    const key = `movies/${movie.id}/${upload.content_id}`;
    const body = generatedBody(size, { at: 10 * 1024 * 1024, until: () => bytesReach(() => partialFileBytes(store.dataDir, key), 5 * 1024 * 1024) });
    const put = await fetch(upload.upload_url, { method: "PUT", headers: { "content-type": "video/webm" }, body: body.stream, duplex: "half" } as RequestInit);
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
    expect(back.digest("base64")).toBe(body.digest());
    // A bound, not a speed claim: 100 MB through two hops on a loaded shared machine.
  }, 180_000);
});
