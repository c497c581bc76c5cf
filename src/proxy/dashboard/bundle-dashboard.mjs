// Bundles the dashboard's browser code (with uPlot) and its styles into two strings: called by
// build.mjs for the role bundles, and by dashboard-assets.ts when the code runs from source.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** @returns {Promise<{ script: string; style: string }>} */
export async function bundleDashboard() {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [here("./browser/dashboard.ts")],
    bundle: true,
    write: false,
    minify: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    logLevel: "warning",
  });
  const uplotStyle = readFileSync(createRequire(import.meta.url).resolve("uplot/dist/uPlot.min.css"), "utf8");
  const ownStyle = readFileSync(here("./browser/dashboard.css"), "utf8");
  return { script: result.outputFiles[0].text, style: `${uplotStyle}\n${ownStyle}` };
}
