import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../../adapters/http-server/create-app.ts";
import { errorResponses, jsonBody, jsonReply } from "../../../adapters/http-server/docs/openapi-shapes.ts";
import { requiredIdParam } from "../../../contracts/identifiers.ts";
import { requireContentAdmin } from "./content-access.ts";
import { ContentItem, ContentList, ContentUpload, ContentUploadRequest, type MovieContentApi } from "./content.contract.ts";
import { publicUrl } from "./public-url.ts";

const movieParams = z.object({ id: requiredIdParam });
const contentParams = z.object({ id: requiredIdParam, content_id: z.uuid({ error: "must be a content id (a UUID)" }) });

const start = createRoute({
  method: "post",
  path: "/api/movies/{id}/content",
  tags: ["content"],
  summary: "Start an upload of a poster or a trailer: answers the URL to PUT the bytes to",
  request: { params: movieParams, body: jsonBody(ContentUploadRequest) },
  responses: { 201: jsonReply("The pending upload", ContentUpload), ...errorResponses(400, 404, 503) },
});

const complete = createRoute({
  method: "post",
  path: "/api/movies/{id}/content/{content_id}/complete",
  tags: ["content"],
  summary: "Check the uploaded bytes against what was declared and make them available",
  request: { params: contentParams },
  responses: { 200: jsonReply("The ready content", ContentItem), ...errorResponses(400, 404, 503) },
});

const list = createRoute({
  method: "get",
  path: "/api/movies/{id}/content",
  tags: ["content"],
  summary: "The movie's ready content, with short-lived download URLs",
  request: { params: movieParams },
  responses: { 200: jsonReply("Ready content, oldest first", ContentList), ...errorResponses(400, 404, 503) },
});

const remove = createRoute({
  method: "delete",
  path: "/api/movies/{id}/content/{content_id}",
  tags: ["content"],
  summary: "Remove a poster or trailer, its bytes and its record",
  request: { params: contentParams },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 404, 503) },
});

/** Posters and trailers of a movie over any MovieContentApi. */
export function contentRoutes(content: MovieContentApi) {
  return createRouter()
    .openapi(start, async (c) => {
      requireContentAdmin(c);
      const upload = await content.startUpload(c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ...upload, upload_url: publicUrl(upload.upload_url, c) }, 201);
    })
    .openapi(complete, async (c) => {
      requireContentAdmin(c);
      const { id, content_id } = c.req.valid("param");
      const item = await content.complete(id, content_id);
      return c.json({ ...item, download_url: publicUrl(item.download_url, c) }, 200);
    })
    .openapi(list, async (c) => {
      const items = await content.list(c.req.valid("param").id);
      return c.json(items.map((item) => ({ ...item, download_url: publicUrl(item.download_url, c) })), 200);
    })
    .openapi(remove, async (c) => {
      requireContentAdmin(c);
      const { id, content_id } = c.req.valid("param");
      await content.remove(id, content_id);
      return c.body(null, 204);
    });
}
