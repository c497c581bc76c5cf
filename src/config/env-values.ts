import { z } from "zod";

// Value parsers shared by every part of the environment schema, each with the message a person reads.

export const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

export const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const positiveInt = (what: string) =>
  z.coerce.number({ error: `must be ${what}` }).int(`must be ${what}`).positive(`must be ${what}`);

export const percent = z
  .string()
  .refine((v) => /^\d{1,3}$/.test(v) && Number(v) <= 100, "must be a whole number from 0 to 100")
  .transform(Number);

export const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), { message: "must be an http:// or https:// URL" })
  .transform((v) => v.replace(/\/+$/, ""));
