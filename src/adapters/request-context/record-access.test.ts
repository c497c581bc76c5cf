import { describe, expect, it } from "vitest";
import { RecordAccess } from "./record-access.ts";

const user = { userId: 4, role: "user" as const };
const admin = { userId: 1, role: "admin" as const };

describe("RecordAccess", () => {
  it("reaches everyone's records where the route is open, whoever calls (the legacy mode)", () => {
    for (const context of [undefined, { requestId: "r" }, { requestId: "r", caller: user }]) {
      const access = RecordAccess.of(context);
      expect([access.onlyUser, access.listUser(undefined), access.listUser(2), access.allows(2)]).toEqual([undefined, undefined, 2, true]);
      expect(() => access.checkEveryone("x")).not.toThrow();
    }
  });

  it("keeps a user to their own records where the route is closed: lists filtered, others' rows 403", () => {
    const access = RecordAccess.of({ requestId: "r", caller: user, authRequired: true });
    expect([access.listUser(undefined), access.listUser(4), access.listUser(2)]).toEqual([4, 4, null]);
    expect(() => access.check(4, "payment 1")).not.toThrow();
    expect(() => access.check(2, "payment 9")).toThrow(expect.objectContaining({ code: "FORBIDDEN", message: "payment 9 belongs to another user" }));
    expect(() => access.checkEveryone("creating a user")).toThrow(expect.objectContaining({ code: "FORBIDDEN" }));
  });

  it("lets an admin reach everyone's records where the route is closed", () => {
    const access = RecordAccess.of({ requestId: "r", caller: admin, authRequired: true });
    expect([access.listUser(undefined), access.listUser(2), access.allows(2)]).toEqual([undefined, 2, true]);
    expect(() => access.checkEveryone("creating a user")).not.toThrow();
  });
});
