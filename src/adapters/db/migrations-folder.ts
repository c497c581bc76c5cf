import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * drizzle/ sits at the repository root; build.mjs copies it next to the bundles. This file is found
 * at src/adapters/db/ when run from source and inlined into dist/<role>.mjs when bundled.
 */
export function migrationsFolder(): string {
  const candidates = ["./drizzle", "../../../drizzle"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((dir) => existsSync(`${dir}/meta/_journal.json`));
  if (!found) throw new Error(`drizzle migrations not found; looked in ${candidates.join(", ")}`);
  return found;
}
