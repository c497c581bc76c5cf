import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

// Debian's chromium: playwright cannot download its own build here. `.ci/run` installs the package.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where screenshots go: a git-ignored folder that CI keeps as artifacts. */
export const SCREENSHOT_DIR = join(process.cwd(), "artifacts", "screenshots");

/** A headless chromium that may only talk to `origin`: any other request fails the test's page. */
export async function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    timeout: 30_000,
  });
}

/** A page with a viewport, offline but for `origin`; returns the requests it refused. */
export async function offlinePage(browser: Browser, origin: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; refused: string[]; consoleErrors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const refused: string[] = [];
  const consoleErrors: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    refused.push(url);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  return { page, refused, consoleErrors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
