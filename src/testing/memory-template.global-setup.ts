import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../config/config.ts";
import { moduleRegistry } from "../modules/registry.ts";
import { buildMemoryTemplate } from "../adapters/db/pglite-memory-template.ts";

declare module "vitest" {
  interface ProvidedContext {
    /** A tar of a freshly migrated PGlite data directory; unset when the tests run on a PostgreSQL server. */
    memoryTemplatePath: string | undefined;
  }
}

/** Migrates one in-memory database per run, so test databases copy it instead of each running initdb. */
export default async function setup(project: TestProject): Promise<() => void> {
  const onServer = loadConfig({ ...process.env, PGLITE_DATA_DIR: "memory://" }, moduleRegistry).database.kind === "postgres";
  if (onServer) {
    project.provide("memoryTemplatePath", undefined);
    return () => {};
  }
  // provide() serializes its value to every worker: a path, not 40 MB of tar.
  const dir = mkdtempSync(join(tmpdir(), "cinemaabyss-template-"));
  const path = join(dir, "pglite-migrated.tar");
  writeFileSync(path, Buffer.from(await (await buildMemoryTemplate()).arrayBuffer()));
  project.provide("memoryTemplatePath", path);
  return () => rmSync(dir, { recursive: true, force: true });
}
