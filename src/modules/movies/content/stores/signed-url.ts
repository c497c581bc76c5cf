import { createHmac, timingSafeEqual } from "node:crypto";

/** The parts of a filesystem-store URL its signature covers: change one and the URL is refused. */
export interface SignedFields {
  method: "GET" | "PUT";
  path: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  /** PUT only: what the client must send. */
  contentType?: string;
  size?: number;
  sha256?: string;
}

function canonical(f: SignedFields): string {
  return [f.method, f.path, f.expires, f.contentType ?? "", f.size ?? "", f.sha256 ?? ""].join("\n");
}

/** HMAC-SHA256 of the fields, base64url. */
export function sign(key: string, fields: SignedFields): string {
  return createHmac("sha256", key).update(canonical(fields)).digest("base64url");
}

/** True when the signature is the key's over exactly these fields (in constant time). */
export function verify(key: string, fields: SignedFields, signature: string): boolean {
  const expected = Buffer.from(sign(key, fields));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
