import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrationsFolder } from "./migrations-folder.ts";

describe("drizzle/ migrations", () => {
  const scratch = mkdtempSync(join(tmpdir(), "cinemaabyss-migrations-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("match the module schemas: drizzle-kit generate finds nothing to add", () => {
    // drizzle-kit takes --out relative to the working directory.
    // Generate into a copy, so a drifted schema fails the test without touching drizzle/.
    const out = join(scratch, "drizzle");
    cpSync(migrationsFolder(), out, { recursive: true });
    const before = readdirSync(out).sort();
    const run = spawnSync(
      "npx",
      ["drizzle-kit", "generate", "--dialect", "postgresql", "--schema", "./src/{modules,adapters,proxy}/*/*.tables.ts", "--out", relative(process.cwd(), out)],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    const printed = `${run.stdout}${run.stderr}`;
    expect(run.status, printed).toBe(0);
    expect(readdirSync(out).sort(), `drizzle-kit wrote a new migration; run npm run db:generate\n${printed}`).toEqual(before);
    expect(printed).toContain("No schema changes");
  }, 60_000);
});
