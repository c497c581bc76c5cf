import { z } from "@hono/zod-openapi";
import type { InjectionToken } from "tsyringe";
import type { ClientOrigin } from "../../adapters/http-server/pipeline/client-address.ts";
import { text } from "../../contracts/text.ts";
import { User, UserInput } from "../users/index.ts";

// Length over composition rules (NIST SP 800-63B): 10 to 128 characters, not all the same, and not
// guessable: the service refuses common passwords (zxcvbn-ts), which no pattern here can say.
const password = text(128)
  .min(10)
  .refine((p) => new Set(p).size > 2, "must not be one or two characters repeated")
  .openapi({
    description:
      "10 to 128 characters, not one or two characters repeated, and not easy to guess: a common password, a light variation of one, a keyboard run or the username is refused (400, zxcvbn-ts score under 2 of 4).",
  });

export const RegisterInput = UserInput.extend({ password }).openapi("RegisterInput", {
  example: { username: "john_doe", email: "john.doe@example.com", password: "correct horse battery" },
});
export type RegisterInput = z.infer<typeof RegisterInput>;

export const LoginInput = z
  .object(
    {
      username: text(254, { blank: false }),
      password: text(128).min(1),
    },
    { error: "must be a JSON object" },
  )
  .openapi("LoginInput", { example: { username: "john_doe", password: "correct horse battery" } });
export type LoginInput = z.infer<typeof LoginInput>;

export const RefreshInput = z
  .object({ refresh_token: text(512).min(1) }, { error: "must be a JSON object" })
  .openapi("RefreshInput");
export type RefreshInput = z.infer<typeof RefreshInput>;

/** The OAuth2 token response (RFC 6749 §5.1). */
export const TokenReply = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
  })
  .openapi("TokenReply");
export type TokenReply = z.infer<typeof TokenReply>;

export const Me = User.openapi("Me");

/** The auth port: registration, login and tokens, wherever the auth service runs. */
export interface AuthApi {
  /**
   * Creates the user through the users port and stores its password hash; CONFLICT when taken
   * (never saying that an email is), INVALID_INPUT for a guessable password, TOO_MANY_REQUESTS past the limit.
   */
  register(input: RegisterInput, client: ClientOrigin): Promise<User>;
  /** Tokens for a right username (or email) and password; UNAUTHORIZED without saying which was wrong; TOO_MANY_REQUESTS past the limits. */
  login(input: LoginInput, client: ClientOrigin): Promise<TokenReply>;
  /** Rotates a refresh token; reusing a rotated one revokes its whole family (UNAUTHORIZED). */
  refresh(input: RefreshInput): Promise<TokenReply>;
  /** Revokes the refresh token's family; an unknown token is not an error. */
  logout(input: RefreshInput): Promise<void>;
  /** The user an access token was issued to; UNAUTHORIZED for a bad or expired token. */
  me(accessToken: string): Promise<User>;
}

export const AUTH_API: InjectionToken<AuthApi> = Symbol("AuthApi");
