/**
 * A whole list's JSON array as bytes, as of one version of the database: the same version always
 * means the same bytes, except for `values`, which are made for each request (e.g. signed URLs)
 * and go between the parts: `parts.length === values.length + 1`.
 */
export interface SerializedList {
  readonly version: string;
  readonly parts: readonly Uint8Array[];
  readonly values: readonly string[];
}
