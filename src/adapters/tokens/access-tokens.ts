import { errors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { requiredIdParam } from "../../contracts/identifiers.ts";
import type { SigningKey } from "./signing-key.ts";

/** What a caller may do beyond their own records: `admin` reads everyone's. */
export const CallerRole = z.enum(["user", "admin"]);
export type CallerRole = z.infer<typeof CallerRole>;

/** What a valid access token says: who, and with which role. */
export interface VerifiedToken {
  subject: string;
  userId: number;
  role: CallerRole;
  expiresAt: number;
}

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** The first key signs; every key verifies, so a rotated-out key's tokens live out their expiry. */
  keys: readonly SigningKey[];
}

/**
 * A token that must not be honoured: tampered, expired, unsigned, for another audience, unknown key,
 * not about a user. The message is fit for the client and never changes with the JWT library; what
 * the library said is in `detail`, for the log.
 */
export class InvalidToken extends Error {
  override name = "InvalidToken";

  constructor(
    message: "token expired" | "token not valid",
    readonly detail: string,
  ) {
    super(message);
  }
}

const ALGORITHM = "HS256";
// Tokens verified recently, by their exact text. A JWT's verdict cannot change before it expires
// (the key ring is fixed for the life of the process), and verifying one cost the gateway 0.3 ms of
// CPU per request, three times the rest of its hot path. Only good tokens are kept, each until its
// expiry at the latest; a bounded count keeps a flood of distinct tokens from growing the memory.
const VERIFIED_TOKENS_KEPT = 10_000;

/** Signs and verifies the platform's access tokens (JWT); the auth module and the gateway share it. */
export class AccessTokens {
  private readonly secrets: Map<string, Uint8Array>;
  private readonly verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS_KEPT });

  constructor(private readonly settings: AccessTokenSettings) {
    if (settings.keys.length === 0) throw new Error("access tokens need at least one signing key");
    this.secrets = new Map(settings.keys.map((k) => [k.kid, new TextEncoder().encode(k.secret)]));
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** A signed token for this subject (the user id) with its role, valid for ttlSeconds. */
  async sign(subject: string, role: CallerRole = "user"): Promise<string> {
    const key = this.settings.keys[0]!;
    return new SignJWT({ role })
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.secrets.get(key.kid)!);
  }

  /**
   * The subject of a valid token, and the user id it names; throws InvalidToken for anything else,
   * `alg: none` included, for a subject that is not a user id (no query is ever made with one) and
   * for a role claim that is not a known role. A token without a role claim (issued before roles) is `user`.
   */
  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known && known.expiresAt * 1000 > Date.now()) return known;
    // Frozen: one object answers every request that presents this token.
    const verified = Object.freeze(await this.verifyAnew(token));
    this.verified.set(token, verified);
    return verified;
  }

  private async verifyAnew(token: string): Promise<VerifiedToken> {
    let subject: string;
    let expiresAt: number;
    let roleClaim: unknown;
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const secret = header.kid === undefined ? undefined : this.secrets.get(header.kid);
          if (!secret) throw new InvalidToken("token not valid", `unknown key id ${String(header.kid)}`);
          return secret;
        },
        { algorithms: [ALGORITHM], issuer: this.settings.issuer, audience: this.settings.audience, requiredClaims: ["sub", "exp", "iat"] },
      );
      subject = payload.sub!;
      expiresAt = payload.exp!;
      roleClaim = payload.role ?? "user";
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidToken("token expired", error.message);
      throw new InvalidToken("token not valid", (error as Error).message);
    }
    const userId = requiredIdParam.safeParse(subject);
    if (!userId.success) throw new InvalidToken("token not valid", `subject ${JSON.stringify(subject.slice(0, 64))} is not a user id`);
    const role = CallerRole.safeParse(roleClaim);
    if (!role.success) throw new InvalidToken("token not valid", `role ${JSON.stringify(String(roleClaim).slice(0, 64))} is not a role`);
    return { subject, userId: userId.data, role: role.data, expiresAt };
  }
}

/** `Authorization: Bearer <token>` → the token; undefined when there is no bearer credential. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
