import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { AppError } from "../../../../contracts/app-error.ts";
import type { ContentStore, SignedUrl, StoredObject, UploadTarget } from "./content-store.ts";
import { sign, verify, type SignedFields } from "./signed-url.ts";

/** The path under which the process serves the store's objects (the gateway routes it with /api/movies). */
export const FILE_STORE_PATH = "/api/movies/store/";

const KEY_PATTERN = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

interface ObjectMeta {
  size: number;
  contentType: string;
  sha256: string;
}

export interface FileStoreOptions {
  dataDir: string;
  urlKey: string;
  /** Origin put before the URLs' paths; without it they are paths the routes complete. */
  publicUrl?: string;
  /** The clock URLs are signed and checked by (tests sign in the past). */
  now?: () => Date;
}

/** The query of a signed URL, as the routes receive it. */
export type SignedQuery = Record<string, string | undefined>;

/**
 * ContentStore in files under the data dir, for the all-in-one: the process itself serves the signed,
 * expiring URLs (HMAC over method, path, expiry and, for a PUT, the declared type, size and digest),
 * so clients follow the same presigned-URL flow as with S3.
 */
export class FileContentStore implements ContentStore {
  readonly kind = "filesystem";
  private readonly root: string;
  private readonly now: () => Date;

  constructor(private readonly options: FileStoreOptions) {
    this.root = resolve(options.dataDir, "objects");
    this.now = options.now ?? (() => new Date());
  }

  async uploadUrl(key: string, target: UploadTarget): Promise<SignedUrl> {
    const fields: SignedFields = {
      method: "PUT",
      path: FILE_STORE_PATH + key,
      expires: Math.floor(target.expiresAt.getTime() / 1000),
      contentType: target.contentType,
      size: target.size,
      ...(target.sha256 ? { sha256: target.sha256 } : {}),
    };
    return { url: this.signedUrl(fields), expiresAt: target.expiresAt };
  }

  async downloadUrl(key: string, ttlSeconds: number): Promise<SignedUrl> {
    const expiresAt = new Date(this.now().getTime() + ttlSeconds * 1000);
    return { url: this.signedUrl({ method: "GET", path: FILE_STORE_PATH + key, expires: Math.floor(expiresAt.getTime() / 1000) }), expiresAt };
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const meta = await this.meta(key);
    if (!meta) return undefined;
    const file = await stat(this.pathOf(key)).catch(() => undefined);
    return file ? { size: file.size, contentType: meta.contentType, sha256: meta.sha256 } : undefined;
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    await rm(this.metaPathOf(key), { force: true });
  }

  async close(): Promise<void> {}

  /**
   * Writes a PUT's body under the key its signed URL names, streaming (a bounded buffer whatever the
   * size): refused when the signature or expiry does not hold, when the body outgrows the declared
   * size, or when a declared digest does not match. The object appears whole or not at all.
   */
  async write(path: string, query: SignedQuery, contentType: string | undefined, body: Readable): Promise<void> {
    const declared = this.checkSigned("PUT", path, query);
    if (contentType === undefined || contentType !== declared.contentType) throw forbidden("Content-Type differs from the one the URL was signed for");
    const key = path.slice(FILE_STORE_PATH.length);
    const target = this.pathOf(key);
    const partial = `${target}.part-${randomBytes(6).toString("hex")}`;
    const hash = createHash("sha256");
    let size = 0;
    const limit = declared.size ?? 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit) return done(new AppError("PAYLOAD_TOO_LARGE", `body: larger than the ${limit} bytes declared`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await mkdir(dirname(target), { recursive: true });
    // Opened before the body flows: a stream that opens its file itself can do so after a failed
    // pipeline has already removed it, leaving the partial file behind (seen in CI under load).
    const file = (await open(partial, "w")).createWriteStream();
    try {
      await pipeline(body, counter, file);
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof AppError) throw error;
      throw AppError.invalid("body: the client stopped sending it");
    }
    const sha256 = hash.digest("base64");
    if (declared.sha256 && declared.sha256 !== sha256) {
      await rm(partial, { force: true });
      throw AppError.invalid("body: its SHA-256 differs from the one declared");
    }
    const meta: ObjectMeta = { size, contentType, sha256 };
    await writeFile(this.metaPathOf(key), JSON.stringify(meta));
    await rename(partial, target);
  }

  /** Opens the object a signed GET URL names; NOT_FOUND when it is gone. */
  async read(path: string, query: SignedQuery): Promise<{ stream: ReadStream; size: number; contentType: string }> {
    this.checkSigned("GET", path, query);
    const key = path.slice(FILE_STORE_PATH.length);
    const found = await this.stat(key);
    if (!found) throw AppError.notFound("no such object");
    return { stream: createReadStream(this.pathOf(key)), size: found.size, contentType: found.contentType ?? "application/octet-stream" };
  }

  private signedUrl(fields: SignedFields): string {
    const query = new URLSearchParams({ expires: String(fields.expires) });
    if (fields.contentType) query.set("type", fields.contentType);
    if (fields.size !== undefined) query.set("size", String(fields.size));
    if (fields.sha256) query.set("sha256", fields.sha256);
    query.set("signature", sign(this.options.urlKey, fields));
    return `${this.options.publicUrl ?? ""}${fields.path}?${query}`;
  }

  private checkSigned(method: "GET" | "PUT", path: string, query: SignedQuery): SignedFields {
    const key = path.startsWith(FILE_STORE_PATH) ? path.slice(FILE_STORE_PATH.length) : "";
    const expires = Number(query.expires);
    const size = query.size === undefined ? undefined : Number(query.size);
    if (!KEY_PATTERN.test(key) || !Number.isSafeInteger(expires) || (size !== undefined && !Number.isSafeInteger(size)) || !query.signature) {
      throw forbidden("the URL is not a signed content URL");
    }
    const fields: SignedFields = {
      method,
      path,
      expires,
      ...(query.type !== undefined ? { contentType: query.type } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(query.sha256 !== undefined ? { sha256: query.sha256 } : {}),
    };
    if (!verify(this.options.urlKey, fields, query.signature)) throw forbidden("the URL's signature does not match");
    if (expires * 1000 <= this.now().getTime()) throw forbidden("the URL has expired");
    return fields;
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw AppError.invalid("not a content key");
    const path = join(this.root, key);
    if (!path.startsWith(this.root + sep)) throw AppError.invalid("not a content key");
    return path;
  }

  private metaPathOf(key: string): string {
    return `${this.pathOf(key)}.meta.json`;
  }

  private async meta(key: string): Promise<ObjectMeta | undefined> {
    const text = await readFile(this.metaPathOf(key), "utf8").catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as ObjectMeta);
  }
}

function forbidden(message: string): AppError {
  return new AppError("FORBIDDEN", message);
}
