import { errors, jwtVerify, SignJWT } from "jose";
import type { SigningKey } from "./signing-key.ts";

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** The first key signs; every key verifies, so a rotated-out key's tokens live out their expiry. */
  keys: readonly SigningKey[];
}

/** A token that must not be honoured: tampered, expired, unsigned, for another audience, unknown key. */
export class InvalidToken extends Error {
  override name = "InvalidToken";
}

const ALGORITHM = "HS256";

/** Signs and verifies the platform's access tokens (JWT); the auth module and the gateway share it. */
export class AccessTokens {
  private readonly secrets: Map<string, Uint8Array>;

  constructor(private readonly settings: AccessTokenSettings) {
    if (settings.keys.length === 0) throw new Error("access tokens need at least one signing key");
    this.secrets = new Map(settings.keys.map((k) => [k.kid, new TextEncoder().encode(k.secret)]));
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** A signed token for this subject (the user id), valid for ttlSeconds. */
  async sign(subject: string, claims: Record<string, unknown> = {}): Promise<string> {
    const key = this.settings.keys[0]!;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.secrets.get(key.kid)!);
  }

  /** The subject of a valid token; throws InvalidToken for anything else, `alg: none` included. */
  async verify(token: string): Promise<{ subject: string; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const secret = header.kid === undefined ? undefined : this.secrets.get(header.kid);
          if (!secret) throw new InvalidToken(`unknown key id ${String(header.kid)}`);
          return secret;
        },
        { algorithms: [ALGORITHM], issuer: this.settings.issuer, audience: this.settings.audience, requiredClaims: ["sub", "exp", "iat"] },
      );
      return { subject: payload.sub!, expiresAt: payload.exp! };
    } catch (error) {
      if (error instanceof InvalidToken) throw error;
      if (error instanceof errors.JWTExpired) throw new InvalidToken("token expired");
      throw new InvalidToken(`token refused: ${(error as Error).message}`);
    }
  }
}

/** `Authorization: Bearer <token>` → the token; undefined when there is no bearer credential. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
