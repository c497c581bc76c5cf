import { AppError } from "../../contracts/app-error.ts";
import { type AccessTokens, bearerToken, InvalidToken, type VerifiedToken } from "./access-tokens.ts";

/**
 * What a valid access token says, or UNAUTHORIZED (401). The one place a refused token becomes a 401:
 * the gateway, every role's request context and the auth module's `/me` answer the same words.
 */
export async function verifiedOrUnauthorized(tokens: AccessTokens, token: string): Promise<VerifiedToken> {
  try {
    return await tokens.verify(token);
  } catch (error) {
    if (error instanceof InvalidToken) throw AppError.unauthorized(`bearer token refused: ${error.message}`, error.detail);
    throw error;
  }
}

/** The caller an `Authorization` header proves (401 when its token is refused); undefined without a bearer credential. */
export async function bearerCaller(tokens: AccessTokens, authorization: string | undefined): Promise<VerifiedToken | undefined> {
  const token = bearerToken(authorization);
  return token === undefined ? undefined : verifiedOrUnauthorized(tokens, token);
}
