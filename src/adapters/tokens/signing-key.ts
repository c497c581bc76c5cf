import { z } from "zod";

/**
 * One HS256 signing key, named by its key id (the JWT `kid`). HS256 is only as strong as its secret,
 * so a secret shorter than 32 characters is refused wherever a key comes from.
 */
export const SigningKey = z.object({
  kid: z.string().regex(/^[\w.-]{1,64}$/, "must be 1 to 64 letters, digits, '.', '_' or '-'"),
  secret: z.string().min(32, "must be at least 32 characters"),
});
export type SigningKey = z.infer<typeof SigningKey>;
