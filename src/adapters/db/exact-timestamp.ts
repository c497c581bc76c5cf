import { customType } from "drizzle-orm/pg-core";

// PostgreSQL's text for timestamptz (DateStyle ISO): "0001-01-01 00:00:00+00", "1850-01-01 00:00:00+02:30:17", "... BC".
const PG_TIMESTAMPTZ = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/**
 * A timestamptz as PostgreSQL writes it, read exactly. `new Date(text)`, which drizzle uses, takes
 * years 0001 to 0099 for 2001 to 1999 (so 0050 came back as 1950) and gives up on a historical
 * offset with seconds, which a server outside UTC writes for old dates.
 */
export function readTimestamptz(text: string): Date {
  const m = PG_TIMESTAMPTZ.exec(text);
  if (!m) return new Date(text);
  const [, year, month, day, hours, minutes, seconds, fraction = "", sign, offsetHours = "0", offsetMinutes = "0", offsetSeconds = "0", bc] = m;
  const local = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC also moves years 0..99 into the 1900s.
  local.setUTCFullYear(bc ? 1 - Number(year) : Number(year), Number(month) - 1, Number(day));
  local.setUTCHours(Number(hours), Number(minutes), Number(seconds), Number(fraction.padEnd(3, "0").slice(0, 3)));
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60 + Number(offsetSeconds);
  return new Date(local.getTime() - (sign === "-" ? -1 : 1) * offset * 1000);
}

/** `timestamp with time zone` that reads back the instant that was written, whatever its year. */
export const exactTimestamp = customType<{ data: Date; driverData: string }>({
  dataType: () => "timestamp with time zone",
  toDriver: (value) => value.toISOString(),
  fromDriver: readTimestamptz,
});
