import fc from "fast-check";

/** Strings that have broken a server before: NUL, lone surrogates, edge dates, numbers as text, prototype keys. */
export const EDGE_STRINGS = [
  "", " ", "\t\n", "\u0000", "a\u0000b", "\ud800", "\udc00x", "😀", "\u202e", "x".repeat(600),
  "0001-01-01", "0050-06-15T12:00:00Z", "0000-01-01", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "10000-01-01",
  "1e9999", "-1", "0", "1.5", "99999999999", "NaN", "__proto__", "constructor",
];

/** Numbers at the edges of the columns and of IEEE 754. */
export const EDGE_NUMBERS = [
  0, -0, 1e-10, 0.001, 0.005, 12.345, 9_999_999_999.99, 9_999_999_999.995, 10_000_000_000, 2_147_483_647, 2_147_483_648,
  Number.MAX_SAFE_INTEGER, 1e20, 1e308, 5e-324, -1,
];

/** Every edge leaf, and the shapes a field of another type could take. */
export const EDGE_JSON: unknown[] = [...EDGE_STRINGS, ...EDGE_NUMBERS, null, true, [], {}, ["\u0000"], [[["deep"]]], { "\u0000": 1 }];

/** Values as they appear in a URL: edge cases, raw bytes (NUL, invalid UTF-8), bad escapes. */
export const EDGE_URL_VALUES = [
  "", "1", "0", "-1", "1e3", "1.5", "%201", "abc", "99999999999", "2147483648", "99999999999999999999", "%00", "a%00b", "%ED%A0%80", "%", "%E0%A4%A", "%2e%2e",
];

/** Any JSON leaf a client could send, the edge cases as likely as the random ones. */
export const hostileLeaf = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.constantFrom(...EDGE_NUMBERS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/** A hostile leaf, or a small JSON tree (nested arrays and objects). */
export const hostileJson = fc.oneof(hostileLeaf, fc.jsonValue({ maxDepth: 3 }), fc.array(hostileLeaf, { maxLength: 25 }));

const percentEncoded = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");

/** A query or path value as it appears in a URL. */
export const hostileUrlValue = fc.oneof(
  fc.constantFrom(...EDGE_URL_VALUES),
  fc.nat().map(String),
  fc.uint8Array({ maxLength: 8 }).map(percentEncoded),
  fc.string({ unit: "grapheme", maxLength: 12 }).map(encodeURIComponent),
);
