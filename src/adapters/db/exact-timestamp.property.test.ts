import { PGlite } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTimestamptz } from "./exact-timestamp.ts";

// PostgreSQL itself is the oracle: it writes the text, readTimestamptz must find the instant it was given.
let pg: PGlite;
beforeAll(async () => void (pg = await PGlite.create()), 60_000);
afterAll(() => pg.close());

const written = async (zone: string, instant: Date) => {
  await pg.exec(`set time zone '${zone}'`);
  const { rows } = await pg.query<{ text: string }>("select $1::timestamptz::text as text", [instant.toISOString()]);
  return rows[0]!.text;
};

// Zones whose offsets have minutes, or seconds before railway time (local mean time), or are negative.
const zones = ["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam", "Africa/Addis_Ababa", "Pacific/Chatham", "America/Los_Angeles"];
const instants = fc.date({ min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });

describe("readTimestamptz", () => {
  it.each([
    ["0001-01-01 00:00:00+00", "0001-01-01T00:00:00.000Z"],
    ["0050-06-15 12:00:00.5+00", "0050-06-15T12:00:00.500Z"],
    ["0099-12-31 23:59:59.999+00", "0099-12-31T23:59:59.999Z"],
    ["1850-01-01 00:00:00+02:35:16", "1849-12-31T21:24:44.000Z"],
    ["2023-01-01 00:00:00-03:30", "2023-01-01T03:30:00.000Z"],
    ["0001-12-31 00:00:00+00 BC", "0000-12-31T00:00:00.000Z"],
  ])("reads %s as %s", (text, iso) => {
    expect(readTimestamptz(text).toISOString()).toBe(iso);
  });

  it("reads back every instant of years 0001 to 9999 as PostgreSQL writes it, in any session time zone", async () => {
    await fc.assert(
      fc.asyncProperty(instants, fc.constantFrom(...zones), async (instant, zone) => {
        expect(readTimestamptz(await written(zone, instant)).toISOString()).toBe(instant.toISOString());
      }),
      { numRuns: 300 },
    );
  });
});
