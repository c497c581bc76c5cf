import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { Scalar } from "@scalar/hono-api-reference";
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";

/** Where the page loads the viewer from: this server, never a CDN (a machine offline still reads its docs). */
export const VIEWER_SCRIPT_PATH = "/docs/scalar.js";

/** build.mjs copies the viewer beside the bundles under this name; images ship it in assets/. */
export const BUNDLED_VIEWER = "assets/scalar-api-reference.js";

/** The viewer's self-contained browser build: beside the bundle when built, else the installed package's. */
function viewerFile(): string {
  const bundled = fileURLToPath(new URL(`./${BUNDLED_VIEWER}`, import.meta.url));
  if (existsSync(bundled)) return bundled;
  const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  return join(dirname(entry), "browser", "standalone.js");
}

let viewer: Promise<Buffer> | undefined;

/**
 * `/docs` (Scalar's API reference over the app's `/openapi.json`) and the viewer script it loads,
 * served by this process. The 3.4 MB script is read once, on the first request for it, and kept.
 * No web fonts either: Scalar would fetch them from its own host.
 */
export function apiDocs(app: Hono<AppEnv>, title: string): void {
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: title, cdn: VIEWER_SCRIPT_PATH, withDefaultFonts: false, defaultOpenAllTags: true }));
  app.get(VIEWER_SCRIPT_PATH, async (c) => {
    viewer ??= readFile(viewerFile()).catch((error: Error) => {
      viewer = undefined;
      throw error;
    });
    const script = await viewer;
    return c.body(new Uint8Array(script), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" });
  });
}
