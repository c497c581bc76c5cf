import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./database-unavailable.ts";

// The shapes pg and drizzle give when PostgreSQL stops, restarts or cannot be reached, against
// those of a statement that is simply wrong (a bug, or a conflict the module maps itself).
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const wrapped = (cause: Error) => new Error("Failed query: insert into ...\nparams: ...", { cause });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused connection", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["the server shutting down", withCode("terminating connection due to administrator command", "57P01")],
    ["the server starting", withCode("the database system is starting up", "57P03")],
    ["a connection exception", withCode("connection failure", "08006")],
    ["no connection slot", withCode("sorry, too many clients already", "53300")],
    ["a connection lost mid-query", new Error("Connection terminated unexpectedly")],
    ["a pool that waited too long", new Error("timeout exceeded when trying to connect")],
    ["any of these wrapped by drizzle", wrapped(withCode("terminating connection due to administrator command", "57P01"))],
    ["per-address refusals", new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")], "")],
  ])("says yes for %s", (_, error) => expect(isDatabaseUnavailable(error)).toBe(true));

  it.each([
    ["a unique violation", wrapped(withCode('duplicate key value violates unique constraint "users_username_key"', "23505"))],
    ["a syntax error", withCode('syntax error at or near "selec"', "42601")],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a thrown string", "ECONNREFUSED"],
  ])("says no for %s", (_, error) => expect(isDatabaseUnavailable(error)).toBe(false));
});
