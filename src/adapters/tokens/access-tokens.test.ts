import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { AccessTokens } from "./access-tokens.ts";

const secret = "access-tokens-test-signing-secret-0123456789";
const tokens = new AccessTokens({ issuer: "test", audience: "test-api", ttlSeconds: 60, keys: [{ kid: "k1", secret }] });

function signed(claims: { sub: string; exp: number }): Promise<string> {
  return new SignJWT({ role: "user" })
    .setProtectedHeader({ alg: "HS256", kid: "k1", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer("test")
    .setAudience("test-api")
    .setIssuedAt()
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(secret));
}

describe("verified tokens, kept by their text", () => {
  it("answers a token seen before with the same verdict, and never outlives its expiry", async () => {
    const now = Date.now();
    vi.useFakeTimers({ now, toFake: ["Date"] });
    try {
      const token = await signed({ sub: "7", exp: Math.floor(now / 1000) + 30 });
      expect(await tokens.verify(token)).toMatchObject({ subject: "7", userId: 7, role: "user" });
      expect(await tokens.verify(token)).toMatchObject({ subject: "7", userId: 7 });
      vi.setSystemTime(now + 31_000);
      await expect(tokens.verify(token)).rejects.toThrow("token expired");
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a token that differs from a kept one by a single character", async () => {
    const token = await signed({ sub: "8", exp: Math.floor(Date.now() / 1000) + 60 });
    await tokens.verify(token);
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    await expect(tokens.verify(tampered)).rejects.toThrow("token not valid");
  });

  it("hands out a verdict no caller can change for the next one", async () => {
    const token = await signed({ sub: "9", exp: Math.floor(Date.now() / 1000) + 60 });
    const first = await tokens.verify(token);
    expect(() => Object.assign(first, { role: "admin" })).toThrow();
    expect((await tokens.verify(token)).role).toBe("user");
  });
});
