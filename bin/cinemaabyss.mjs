#!/usr/bin/env node
// The `cinemaabyss` CLI runs from its bundle; in a clone that has none yet, it is built first
// (esbuild, a few seconds), so `npx cinemaabyss` works right after `npm install`.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bundle = new URL("../dist/cli.mjs", import.meta.url);
if (!existsSync(bundle)) execFileSync(process.execPath, ["build.mjs"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
await import(bundle.href);
