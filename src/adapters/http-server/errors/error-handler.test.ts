import { describe, expect, it } from "vitest";
import { AppError } from "../../../contracts/app-error.ts";
import { DATABASE_RETRY_AFTER_SECONDS, toAppError } from "./error-handler.ts";

describe("toAppError", () => {
  it("makes a database that is away a 503 with Retry-After, the driver's words kept for the log only", () => {
    const driver = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    const error = toAppError(new Error("Failed query: select ... params: secret@example.com", { cause: driver }));
    expect(error).toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS, message: "the database is unavailable; try again shortly" });
    expect(error.detail).toBe("terminating connection due to administrator command");
  });

  it("keeps anything else unknown an INTERNAL error with no detail, and an AppError as it is", () => {
    expect(toAppError(new TypeError("x is undefined"))).toMatchObject({ code: "INTERNAL", message: "internal error", detail: undefined });
    const own = AppError.conflict("taken");
    expect(toAppError(own)).toBe(own);
  });
});
