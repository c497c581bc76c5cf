import { Readable } from "node:stream";
import { Hono } from "hono";
import type { AppEnv } from "../../../../adapters/http-server/app-env.ts";
import { AppError } from "../../../../contracts/app-error.ts";
import { FILE_STORE_PATH, type FileContentStore } from "./file-content-store.ts";

/**
 * The filesystem store's signed URLs, served by the process itself so the all-in-one follows the
 * S3 flow: PUT streams the body to disk (never whole in memory), GET streams it back. Not API
 * routes (no OpenAPI entry): clients follow the URLs the content API hands out.
 */
export function fileStoreRoutes(store: FileContentStore) {
  return new Hono<AppEnv>()
    .put(`${FILE_STORE_PATH}*`, async (c) => {
      const body = c.req.raw.body;
      if (!body) throw AppError.invalid("body: required");
      await store.write(c.req.path, c.req.query(), c.req.header("content-type"), Readable.fromWeb(body as import("node:stream/web").ReadableStream));
      return c.body(null, 200);
    })
    .get(`${FILE_STORE_PATH}*`, async (c) => {
      const object = await store.read(c.req.path, c.req.query());
      const headers = { "content-type": object.contentType, "content-length": String(object.size), "cache-control": "private, no-store" };
      if (c.req.method === "HEAD") {
        object.stream.destroy();
        return c.body(null, 200, headers);
      }
      return c.body(Readable.toWeb(object.stream) as ReadableStream, 200, headers);
    });
}
