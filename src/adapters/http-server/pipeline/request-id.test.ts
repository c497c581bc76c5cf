import { describe, expect, it } from "vitest";
import { requestIdOf } from "./request-id.ts";

describe("request id", () => {
  it("keeps a caller's plain id, so one id follows the request across hops", () => {
    expect(requestIdOf("abc-123_X=")).toBe("abc-123_X=");
  });

  it("replaces a missing, overlong or unsafe one with a new UUID", () => {
    for (const header of [undefined, "", "a".repeat(256), "a b", "x\ny", "<script>"]) {
      expect(requestIdOf(header)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
