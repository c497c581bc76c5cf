import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The import rules of .dependency-cruiser.cjs, run by `npm test`: the tree must pass them, and a
// tree with one planted violation of each rule must not (a rule whose regex never matches would
// pass any tree).
const config = resolve(".dependency-cruiser.cjs");
const depcruise = resolve("node_modules/.bin/depcruise");
const scratch = mkdtempSync(join(tmpdir(), "cinemaabyss-boundaries-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cruise(cwd: string) {
  return spawnSync(depcruise, ["--config", config, "--output-type", "err", "src"], { cwd, encoding: "utf8" });
}

function writeTree(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe("import boundaries", () => {
  it("hold in src/", () => {
    const run = cruise(".");
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it("catch one planted violation of each rule, and let the allowed imports through", () => {
    writeTree(scratch, {
      "tsconfig.json": JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "Bundler", allowImportingTsExtensions: true, noEmit: true } }),
      "src/modules/users/index.ts": 'export * from "./users.service.ts";\n',
      "src/modules/users/users.service.ts": "export const users = 1;\n",
      // Allowed: another module's index.ts, and anything inside the own module.
      "src/modules/payments/payments.service.ts": 'import "../users/index.ts";\nimport "./payments.tables.ts";\n',
      "src/modules/payments/payments.tables.ts": "export const tables = 1;\n",
      // Violations, one per rule.
      "src/modules/payments/payments.client.ts": 'import "../users/users.service.ts";\n',
      "src/adapters/db/paginate.ts": 'import "../../modules/users/index.ts";\n',
      "src/proxy/gateway-app.ts": 'import "../modules/users/index.ts";\nimport "../adapters/db/paginate.ts";\nimport "pg";\n',
      // Allowed: the written-down exception for the outbox tests.
      "src/adapters/outbox/outbox.test.ts": 'import "../../modules/users/index.ts";\n',
    });
    symlinkSync(resolve("node_modules"), join(scratch, "node_modules"));
    const run = cruise(scratch);
    // The linked node_modules resolves to its real path, outside the scratch folder.
    const violations = run.stdout
      .split("\n")
      .filter((line) => line.includes(" error "))
      .map((line) => line.trim().replace(/→ \S*?node_modules\//, "→ node_modules/"))
      .sort();
    expect(run.status).not.toBe(0);
    expect(violations).toEqual([
      "error adapters-not-modules: src/adapters/db/paginate.ts → src/modules/users/index.ts",
      "error module-through-index: src/modules/payments/payments.client.ts → src/modules/users/users.service.ts",
      "error proxy-no-database: src/proxy/gateway-app.ts → node_modules/pg/lib/index.js",
      "error proxy-no-database: src/proxy/gateway-app.ts → src/adapters/db/paginate.ts",
      "error proxy-not-modules: src/proxy/gateway-app.ts → src/modules/users/index.ts",
    ]);
  });
});
