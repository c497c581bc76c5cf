import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";

/** What a movie's content can be, and what each kind accepts. */
export const contentKinds = {
  poster: { types: ["image/jpeg", "image/png", "image/webp"], maxBytes: 10 * 1024 * 1024 },
  trailer: { types: ["video/mp4", "video/webm", "video/quicktime"], maxBytes: 2 * 1024 * 1024 * 1024 },
} as const;

export type ContentKind = keyof typeof contentKinds;

const allTypes = [...contentKinds.poster.types, ...contentKinds.trailer.types] as const;

const sha256Base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, "must be a base64 SHA-256 digest (44 characters)")
  .openapi({ description: "Base64 SHA-256 of the bytes; when given, the store refuses other bytes" });

export const ContentUploadRequest = z
  .object(
    {
      kind: z.enum(["poster", "trailer"], { error: "must be poster or trailer" }),
      content_type: z.enum(allTypes, { error: `must be one of ${allTypes.join(", ")}` }),
      size: z
        .number({ error: "must be a number" })
        .int("must be a whole number")
        .positive("must be a positive number of bytes")
        .max(contentKinds.trailer.maxBytes, `must be at most ${contentKinds.trailer.maxBytes} bytes`),
      sha256: sha256Base64.optional(),
    },
    { error: "must be a JSON object" },
  )
  .strict()
  .superRefine((input, ctx) => {
    const rule = contentKinds[input.kind];
    if (!(rule.types as readonly string[]).includes(input.content_type)) {
      ctx.addIssue({ code: "custom", path: ["content_type"], message: `must be one of ${rule.types.join(", ")} for a ${input.kind}` });
    }
    if (input.size > rule.maxBytes) {
      ctx.addIssue({ code: "custom", path: ["size"], message: `must be at most ${rule.maxBytes} bytes for a ${input.kind}` });
    }
  })
  .openapi("ContentUploadRequest", { example: { kind: "poster", content_type: "image/jpeg", size: 48213 } });
export type ContentUploadRequest = z.infer<typeof ContentUploadRequest>;

export const ContentUpload = z
  .object({
    content_id: z.uuid(),
    upload_url: z.string().openapi({ description: "PUT the bytes here, with the declared Content-Type (and x-amz-checksum-sha256 when a sha256 was given)" }),
    expires_at: z.iso.datetime(),
  })
  .openapi("ContentUpload");
export type ContentUpload = z.infer<typeof ContentUpload>;

export const ContentItem = z
  .object({
    content_id: z.uuid(),
    movie_id: z.number().int(),
    kind: z.enum(["poster", "trailer"]),
    content_type: z.string(),
    size: z.number().int(),
    download_url: z.string().openapi({ description: "A short-lived URL of the bytes" }),
    download_expires_at: z.iso.datetime(),
  })
  .openapi("ContentItem");
export type ContentItem = z.infer<typeof ContentItem>;

export const ContentList = z.array(ContentItem).openapi("ContentList");

/** The movie content port: posters and trailers of a movie, wherever the movies module runs. */
export interface MovieContentApi {
  /** Records a pending upload and answers where to PUT the bytes; NOT_FOUND for an unknown movie. */
  startUpload(movieId: number, input: ContentUploadRequest): Promise<ContentUpload>;
  /** Checks the uploaded object against what was declared, marks it ready and emits a movie event. */
  complete(movieId: number, contentId: string): Promise<ContentItem>;
  /** The movie's ready content, each with a short-lived download URL; NOT_FOUND for an unknown movie. */
  list(movieId: number): Promise<ContentItem[]>;
  /** Removes the object and its row, ready or pending; NOT_FOUND when there is none. */
  remove(movieId: number, contentId: string): Promise<void>;
}

export const MOVIE_CONTENT_API: InjectionToken<MovieContentApi> = Symbol("MovieContentApi");
