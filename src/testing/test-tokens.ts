import { SignJWT } from "jose";

/** Fixed signing keys for tests that sign tokens themselves (the gateway's and the auth module's must agree). */
export const TEST_KEYS = "k2026:test-signing-secret-0123456789-abcdefghij,k2025:older-test-secret-0123456789-abcdefghij";
export const TEST_SECRET = "test-signing-secret-0123456789-abcdefghij";

/** A token signed with the test key but with chosen claims: expired, other audience, ... */
export function forgedToken(claims: { sub: string; role?: string; aud?: string; iss?: string; exp?: number; kid?: string; secret?: string }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims.role === undefined ? {} : { role: claims.role })
    .setProtectedHeader({ alg: "HS256", kid: claims.kid ?? "k2026" })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? "cinemaabyss")
    .setAudience(claims.aud ?? "cinemaabyss-api")
    .setIssuedAt(now - 60)
    .setExpirationTime(claims.exp ?? now + 600)
    .sign(new TextEncoder().encode(claims.secret ?? TEST_SECRET));
}

/** An unsigned token (`alg: none`) for this subject. */
export function unsignedToken(sub: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub, iss: "cinemaabyss", aud: "cinemaabyss-api", iat: now, exp: now + 600 })}.`;
}
