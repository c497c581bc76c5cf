import fc from "fast-check";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { DomainEvent } from "../contracts/domain-event.ts";
import { ErrorReply } from "../contracts/error-reply.ts";
import { idParam, requiredIdParam } from "../contracts/identifiers.ts";
import { pageQuery } from "../contracts/pagination.ts";
import { validationMessage } from "../contracts/validation-message.ts";
import { hostileJson } from "../testing/hostile-values.ts";
import { LoginInput, RefreshInput, RegisterInput, TokenReply } from "./auth/index.ts";
import { EventReply, MovieEventInput, PaymentEventInput, UserEventInput } from "./events/index.ts";
import { Movie, MovieInput } from "./movies/index.ts";
import { Payment, PaymentInput, Subscription, SubscriptionInput, UserRowsFilter } from "./payments/index.ts";
import { User, UserInput } from "./users/index.ts";

// Every schema that reads what another party sent: request bodies and queries, and the replies a remote client parses.
const schemas: Record<string, z.ZodType> = {
  MovieInput, UserInput, PaymentInput, SubscriptionInput, RegisterInput, LoginInput, RefreshInput,
  MovieEventInput, UserEventInput, PaymentEventInput, pageQuery, UserRowsFilter, idParam, requiredIdParam,
  Movie, User, Payment, Subscription, TokenReply, EventReply, DomainEvent, ErrorReply,
};

// A JSON value, or an object whose keys are the schema's own with odd values in them: the second reaches the deeper checks.
const valueFor = (schema: z.ZodType) => {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  const keys = shape ? Object.keys(shape) : [];
  const fields = keys.length > 0 ? fc.dictionary(fc.constantFrom(...keys), hostileJson) : fc.constant({});
  return fc.oneof(hostileJson, fields);
};

const zodWording = /Invalid input|expected .*received|Too (big|small)|Invalid (string|number|option|element|key)/;

describe.each(Object.entries(schemas))("%s", (_name, schema) => {
  it("parses any JSON value or names what is wrong in our words; it never throws", () => {
    fc.assert(
      fc.property(valueFor(schema), (value) => {
        const parsed = schema.safeParse(value);
        if (parsed.success) return;
        expect(parsed.error.issues.length).toBeGreaterThan(0);
        expect(validationMessage(parsed.error, "body")).not.toMatch(zodWording);
      }),
      { numRuns: 300 },
    );
  });
});
