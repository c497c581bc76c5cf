import { randomBytes } from "node:crypto";
import { z } from "zod";
import { flag, httpUrl, positiveInt } from "./env-values.ts";
import { isPlaceholderSecret } from "./placeholder-secrets.ts";

const urlKey = z
  .string()
  .min(32, "must be at least 32 characters, e.g. `openssl rand -base64 48`")
  .refine((v) => !isPlaceholderSecret(v), "holds a placeholder secret (a published example); generate one, e.g. `openssl rand -base64 48`");

/** Where movie content (posters, trailers) is kept: an S3-compatible bucket, or files under the data dir. */
export const contentEnv = {
  S3_ENDPOINT: httpUrl.optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)")
    .optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  // S3-compatible servers (MinIO, Ceph) mostly want bucket-in-path URLs; AWS itself takes both.
  S3_FORCE_PATH_STYLE: flag.default(true),
  CONTENT_DATA_DIR: z.string().min(1).default(".data/content"),
  CONTENT_URL_KEY: urlKey.optional(),
  CONTENT_PUBLIC_URL: httpUrl.optional(),
  CONTENT_UPLOAD_TTL_SECONDS: positiveInt("a positive number of seconds").default(900),
  CONTENT_DOWNLOAD_TTL_SECONDS: positiveInt("a positive number of seconds").default(300),
  CONTENT_CLEANUP_INTERVAL_SECONDS: positiveInt("a positive number of seconds").default(60),
};

type ContentEnv = z.output<z.ZodObject<typeof contentEnv>>;

export type ContentStoreConfig =
  | {
      kind: "s3";
      /** Undefined: AWS itself, by region. */
      endpoint: string | undefined;
      bucket: string;
      region: string;
      /** Undefined: the SDK's own chain (environment, web identity, instance role). */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      forcePathStyle: boolean;
    }
  | {
      kind: "filesystem";
      dataDir: string;
      /** Signs the upload and download URLs this process serves. */
      urlKey: string;
      /** True when no CONTENT_URL_KEY was given: URLs are valid in this process only, until it stops. */
      ephemeralKey: boolean;
    };

export interface ContentConfig {
  store: ContentStoreConfig;
  /** Origin put before the paths of filesystem-store URLs; undefined: the origin the client called. */
  publicUrl: string | undefined;
  uploadTtlSeconds: number;
  downloadTtlSeconds: number;
  cleanupIntervalSeconds: number;
}

/** The content part of the configuration; returns the problems as `VARIABLE: message` lines instead when the S3 settings do not fit together. */
export function contentConfig(e: ContentEnv): ContentConfig | string[] {
  const problems: string[] = [];
  if (e.S3_ENDPOINT && !e.S3_BUCKET) problems.push("S3_BUCKET: is required when S3_ENDPOINT is set");
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    problems.push(`${e.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"}: is required with the other S3 credential`);
  }
  if (problems.length > 0) return problems;
  const store: ContentStoreConfig = e.S3_BUCKET
    ? {
        kind: "s3",
        endpoint: e.S3_ENDPOINT,
        bucket: e.S3_BUCKET,
        region: e.S3_REGION,
        credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
      }
    : {
        kind: "filesystem",
        dataDir: e.CONTENT_DATA_DIR,
        urlKey: e.CONTENT_URL_KEY ?? randomBytes(32).toString("base64url"),
        ephemeralKey: e.CONTENT_URL_KEY === undefined,
      };
  return {
    store,
    publicUrl: e.CONTENT_PUBLIC_URL,
    uploadTtlSeconds: e.CONTENT_UPLOAD_TTL_SECONDS,
    downloadTtlSeconds: e.CONTENT_DOWNLOAD_TTL_SECONDS,
    cleanupIntervalSeconds: e.CONTENT_CLEANUP_INTERVAL_SECONDS,
  };
}
