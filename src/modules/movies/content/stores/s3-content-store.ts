import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AppError } from "../../../../contracts/app-error.ts";
import type { ContentStoreConfig } from "../../../../config/content-config.ts";
import type { ContentStore, SignedUrl, StoredObject, UploadTarget } from "./content-store.ts";

type S3Settings = Extract<ContentStoreConfig, { kind: "s3" }>;

// The checksum header stays a header (signed, sent by the client) rather than a query parameter, so
// the server verifies the bytes against it as they arrive.
const unhoistableHeaders = new Set(["x-amz-checksum-sha256"]);

function unavailable(error: unknown): AppError {
  return AppError.unavailable("the content store is unavailable", error instanceof Error ? error.message : String(error));
}

/** ContentStore over any S3-compatible bucket, with presigned URLs the client uses directly. */
export class S3ContentStore implements ContentStore {
  readonly kind = "s3";
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings, private readonly now: () => Date = () => new Date()) {
    this.client = new S3Client({
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      // A presigned PUT must not demand a checksum the browser or curl cannot know in advance.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async uploadUrl(key: string, target: UploadTarget): Promise<SignedUrl> {
    const command = new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: key,
      ContentType: target.contentType,
      ...(target.sha256 ? { ChecksumSHA256: target.sha256 } : {}),
    });
    const signingDate = this.now();
    const expiresIn = Math.max(1, Math.round((target.expiresAt.getTime() - signingDate.getTime()) / 1000));
    const url = await getSignedUrl(this.client, command, { expiresIn, signingDate, unhoistableHeaders, signableHeaders: new Set(["content-type"]) });
    return { url, expiresAt: target.expiresAt };
  }

  async downloadUrl(key: string, ttlSeconds: number): Promise<SignedUrl> {
    const signingDate = this.now();
    const url = await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.settings.bucket, Key: key }), { expiresIn: ttlSeconds, signingDate });
    return { url, expiresAt: new Date(signingDate.getTime() + ttlSeconds * 1000) };
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key, ChecksumMode: "ENABLED" }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType, sha256: head.ChecksumSHA256 };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw unavailable(error);
    }
  }

  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return;
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
