import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Configuration is read once, validated, at the composition root; modules receive config and never
// read the environment. dependency-cruiser sees imports, not `process.env`, so this scans for it.

/** Files that may read the environment, and why. */
const allowed: [RegExp, string][] = [
  [/^src\/config\//, "the one place that parses the environment with zod"],
  [/^src\/main\.ts$/, "the composition root hands process.env to loadConfig"],
  [/\.test\.ts$/, "tests choose their tier from what the test scripts set (KAFKA_BROKERS, E2E_TOPOLOGY) and pass PATH to children"],
  [/^src\/testing\//, "the test kit builds its platform from the environment the test scripts set, as main.ts does"],
  [/^src\/e2e\//, "the end-to-end suite is told by scripts/topology.mjs where the running topology is"],
];

const readsEnv = [/\bprocess\s*(\.\s*env\b|\[\s*["'`]env["'`]\s*\])/, /\bimport\s*\{[^}]*\benv\b[^}]*\}\s*from\s*["'](node:)?process["']/];

/** The text without comment lines, so a comment that names process.env is not a reader. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
}

/** Files that read the environment outside the allowed places. */
function envReaders(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([path]) => !allowed.some(([pattern]) => pattern.test(path)))
    .filter(([, text]) => readsEnv.some((pattern) => pattern.test(code(text))))
    .map(([path]) => path);
}

function sourceFiles(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => p.endsWith(".ts"));
  return Object.fromEntries(entries.map((p) => [join(dir, p), readFileSync(join(dir, p), "utf8")]));
}

describe("environment readers", () => {
  it("are only the config files and main.ts (and the written-down exceptions)", () => {
    expect(envReaders(sourceFiles("src"))).toEqual([]);
  });

  it("are found however process.env is reached, and not in comments", () => {
    expect(
      envReaders({
        "src/modules/movies/a.ts": "const port = process.env.PORT;",
        "src/modules/movies/b.ts": 'const { PORT } = process["env"];',
        "src/modules/movies/c.ts": 'import { env } from "node:process";',
        "src/modules/movies/d.ts": "// process.env is read by main.ts only\n/* nor process.env here */\nexport const x = 1;",
        "src/config/config.ts": "loadConfig(process.env);",
        "src/modules/movies/e.test.ts": "spawn(cmd, { env: { PATH: process.env.PATH } });",
      }),
    ).toEqual(["src/modules/movies/a.ts", "src/modules/movies/b.ts", "src/modules/movies/c.ts"]);
  });
});
