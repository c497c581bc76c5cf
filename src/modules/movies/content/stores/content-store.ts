import type { InjectionToken } from "tsyringe";

/** What the store knows of an object once uploaded. */
export interface StoredObject {
  size: number;
  contentType: string | undefined;
  /** Base64 SHA-256, when the store computed or verified one. */
  sha256: string | undefined;
}

export interface UploadTarget {
  contentType: string;
  size: number;
  sha256: string | undefined;
  expiresAt: Date;
}

/** A signed URL; a filesystem store's may be a path to put behind the public origin. */
export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

/** The content-storage port: objects by key, written and read by clients through signed, expiring URLs. */
export interface ContentStore {
  readonly kind: "s3" | "filesystem";
  /** A URL the client PUTs the bytes to, until expiresAt. */
  uploadUrl(key: string, target: UploadTarget): Promise<SignedUrl>;
  /** A URL the client GETs the bytes from, for ttlSeconds. */
  downloadUrl(key: string, ttlSeconds: number): Promise<SignedUrl>;
  /** The object's facts, or undefined when nothing was uploaded under the key. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Removes the object; removing a missing one is not an error. */
  remove(key: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

export const CONTENT_STORE: InjectionToken<ContentStore> = Symbol("ContentStore");

/** Where a movie's content object lives in the store. */
export function contentKey(movieId: number, contentId: string): string {
  return `movies/${movieId}/${contentId}`;
}
