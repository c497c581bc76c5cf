// One bundle per role: `node dist/<role>.mjs` runs it with no tsx and no source tree.
// PGlite stays outside the bundle (it loads its WASM and data files from beside its own module),
// so dist/package.json lists it for `npm install --omit=dev` where dist/ is deployed alone.
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { bundleDashboard } from "./src/proxy/dashboard/bundle-dashboard.mjs";

export const bundledRoles = ["all-in-one", "monolith", "movies", "events", "users", "payments", "auth", "proxy"];
const external = ["@electric-sql/pglite", "pg-native"];

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
rmSync("dist", { recursive: true, force: true });
// The gateway's dashboard (browser code and styles) travels inside each bundle: no files beside it.
const dashboard = await bundleDashboard();

for (const role of bundledRoles) {
  await build({
    entryPoints: ["src/main.ts"],
    outfile: `dist/${role}.mjs`,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // esbuild itself is only imported to bundle the dashboard when running from source.
    external: [...external, "esbuild"],
    define: { __DEFAULT_ROLE__: JSON.stringify(role), __DASHBOARD_SCRIPT__: JSON.stringify(dashboard.script), __DASHBOARD_STYLE__: JSON.stringify(dashboard.style) },
    // CommonJS dependencies (pg) call require() for Node's own modules; ESM output has no require.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: "warning",
  });
}
// The operators' CLI (package.json `bin`): the admin API's client, no server code in it.
await build({
  entryPoints: ["src/cli/cinemaabyss.ts"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
cpSync("drizzle", "dist/drizzle", { recursive: true });
// The API docs' viewer, served by every role from beside its bundle (see src/adapters/http-server/docs/api-docs.ts).
const scalarEntry = createRequire(import.meta.url).resolve("@scalar/api-reference");
cpSync(join(dirname(scalarEntry), "browser", "standalone.js"), "dist/assets/scalar-api-reference.js");
writeFileSync(
  "dist/package.json",
  `${JSON.stringify(
    {
      name: `${pkg.name}-dist`,
      private: true,
      type: "module",
      dependencies: Object.fromEntries(external.filter((name) => pkg.dependencies[name]).map((name) => [name, pkg.dependencies[name]])),
    },
    null,
    2,
  )}\n`,
);
for (const role of bundledRoles) {
  const kib = statSync(`dist/${role}.mjs`).size / 1024;
  console.log(`dist/${role}.mjs  ${kib.toFixed(0)} KiB`);
}
