import { z } from "@hono/zod-openapi";
import type { RemoteClient } from "../../../adapters/http-client/remote-client.ts";
import { ContentItem, ContentList, ContentUpload, type ContentUploadRequest, type MovieContentApi } from "./content.contract.ts";

/** MovieContentApi over HTTP: the movies service. */
export class MovieContentClient implements MovieContentApi {
  constructor(private readonly http: RemoteClient) {}

  startUpload(movieId: number, input: ContentUploadRequest): Promise<ContentUpload> {
    return this.http.call("POST", `/api/movies/${movieId}/content`, ContentUpload, input);
  }

  complete(movieId: number, contentId: string): Promise<ContentItem> {
    return this.http.call("POST", `/api/movies/${movieId}/content/${encodeURIComponent(contentId)}/complete`, ContentItem);
  }

  list(movieId: number): Promise<ContentItem[]> {
    return this.http.call("GET", `/api/movies/${movieId}/content`, ContentList);
  }

  async remove(movieId: number, contentId: string): Promise<void> {
    await this.http.call("DELETE", `/api/movies/${movieId}/content/${encodeURIComponent(contentId)}`, z.undefined());
  }
}
