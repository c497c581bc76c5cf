import { randomBytes } from "node:crypto";
import { z } from "zod";
import { SigningKey } from "../adapters/tokens/signing-key.ts";
import { positiveInt } from "./env-values.ts";
import { isPlaceholderSecret } from "./placeholder-secrets.ts";

const signingKeys = z
  .string()
  .transform((v, ctx) => {
    const keys = v.split(",").map((entry) => {
      const [kid = "", ...secret] = entry.trim().split(":");
      return { kid, secret: secret.join(":") };
    });
    const parsed = z.array(SigningKey).safeParse(keys);
    if (!parsed.success || new Set(keys.map((k) => k.kid)).size !== keys.length) {
      ctx.addIssue({ code: "custom", message: "must be a comma list of kid:secret with distinct key ids and secrets of 32+ characters; the first signs" });
      return z.NEVER;
    }
    if (parsed.data.some((k) => isPlaceholderSecret(k.secret))) {
      ctx.addIssue({ code: "custom", message: "holds a placeholder secret (a published example); generate one, e.g. `openssl rand -base64 48`" });
      return z.NEVER;
    }
    return parsed.data;
  });

/** The auth part of the environment: token keys and lifetimes, login limits, admins, the per-route switch. */
export const authEnv = {
  AUTH_JWT_KEYS: signingKeys.optional(),
  AUTH_ISSUER: z.string().min(1).default("cinemaabyss"),
  AUTH_AUDIENCE: z.string().min(1).default("cinemaabyss-api"),
  AUTH_ACCESS_TTL_SECONDS: positiveInt("a positive number of seconds").default(900),
  AUTH_REFRESH_TTL_SECONDS: positiveInt("a positive number of seconds").default(30 * 24 * 3600),
  AUTH_LOGIN_LIMIT_PER_USER: positiveInt("a positive whole number").default(5),
  AUTH_LOGIN_LIMIT_PER_ADDRESS: positiveInt("a positive whole number").default(20),
  AUTH_LOGIN_LIMIT_PER_ACCOUNT: positiveInt("a positive whole number").default(100),
  AUTH_LOGIN_WINDOW_SECONDS: positiveInt("a positive number of seconds").default(60),
  AUTH_ADMIN_USERNAMES: z
    .string()
    .transform((v) => v.split(",").map((name) => name.trim().toLowerCase()).filter((name) => name !== ""))
    .optional(),
  AUTH_REGISTER_LIMIT_PER_ADDRESS: positiveInt("a positive whole number").default(10),
  AUTH_REGISTER_WINDOW_SECONDS: positiveInt("a positive number of seconds").default(3600),
  GATEWAY_REQUIRE_AUTH: z
    .string()
    .refine((v) => /^(all|[a-z]+(,[a-z]+)*)$/.test(v.replace(/\s/g, "")), "must be `all` or a comma list of route names")
    .transform((v) => v.replace(/\s/g, "").split(","))
    .optional(),
};

type AuthEnv = z.output<z.ZodObject<typeof authEnv>>;

/** Login attempts allowed within one window; a success clears the two per-username counts. */
export interface LoginLimits {
  /** Attempts at one username from one client address. */
  perUser: number;
  /** Attempts from one client address, whatever the username. */
  perAddress: number;
  /** Attempts at one username from every address together: a ceiling only many addresses reach. */
  perAccount: number;
  windowSeconds: number;
}

/** Registrations allowed from one client address within one window. */
export interface RegisterLimits {
  perAddress: number;
  windowSeconds: number;
}

export interface AuthConfig {
  keys: SigningKey[];
  /** True when no AUTH_JWT_KEYS was given and this process made up a key: fine alone, not split. */
  ephemeralKey: boolean;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  loginLimit: LoginLimits;
  registerLimit: RegisterLimits;
  /** Route names whose requests need a valid bearer token, in the gateway and every role; `all` expanded to every closable route. */
  requireAuth: string[];
  /** Usernames (lower case) whose tokens carry the `admin` role, whatever their stored role: the bootstrap of the first admin. */
  adminUsernames: string[];
}

export function authConfig(e: AuthEnv): AuthConfig {
  return {
    keys: e.AUTH_JWT_KEYS ?? [{ kid: "ephemeral", secret: randomBytes(32).toString("base64url") }],
    ephemeralKey: e.AUTH_JWT_KEYS === undefined,
    issuer: e.AUTH_ISSUER,
    audience: e.AUTH_AUDIENCE,
    accessTtlSeconds: e.AUTH_ACCESS_TTL_SECONDS,
    refreshTtlSeconds: e.AUTH_REFRESH_TTL_SECONDS,
    loginLimit: {
      perUser: e.AUTH_LOGIN_LIMIT_PER_USER,
      perAddress: e.AUTH_LOGIN_LIMIT_PER_ADDRESS,
      perAccount: e.AUTH_LOGIN_LIMIT_PER_ACCOUNT,
      windowSeconds: e.AUTH_LOGIN_WINDOW_SECONDS,
    },
    registerLimit: { perAddress: e.AUTH_REGISTER_LIMIT_PER_ADDRESS, windowSeconds: e.AUTH_REGISTER_WINDOW_SECONDS },
    requireAuth: e.GATEWAY_REQUIRE_AUTH ?? [],
    adminUsernames: e.AUTH_ADMIN_USERNAMES ?? [],
  };
}
