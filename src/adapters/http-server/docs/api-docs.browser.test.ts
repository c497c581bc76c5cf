import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRole } from "../../../roles/run-role.ts";
import { chromiumAvailable, launchChromium } from "../../../testing/headless-chromium.ts";
import { startTestRole } from "../../../testing/test-platform.ts";
import { VIEWER_SCRIPT_PATH } from "./api-docs.ts";

// A real browser, offline: every request that does not go to the server under test is aborted, as
// on a machine with no internet. The page must still list the operations.
describe.runIf(chromiumAvailable())("/docs in a headless browser with no network but the server", () => {
  let role: RunningRole;
  let browser: Browser;
  beforeAll(async () => {
    [role, browser] = await Promise.all([startTestRole("all-in-one"), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await role?.stop();
  });

  it.each([
    ["gateway", ["/api/users", "/api/movies", "/api/payments", "/api/events/movie"]],
    ["monolith", ["/api/users", "/api/subscriptions"]],
    ["movies", ["/api/movies/{id}"]],
    ["events", ["/api/events/payment"]],
  ])("the %s's /docs lists its operations from the locally served viewer", async (listener, paths) => {
    const origin = `http://127.0.0.1:${role.ports[listener]}`;
    const page = await browser.newPage();
    const blocked: string[] = [];
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`)) return route.continue();
      blocked.push(url);
      return route.abort("internetdisconnected");
    });
    try {
      const served: string[] = [];
      page.on("response", (res) => served.push(new URL(res.url()).pathname));
      await page.goto(`${origin}/docs`);
      for (const path of paths) await page.getByText(path, { exact: true }).first().waitFor({ timeout: 30_000 });
      expect(served).toEqual(expect.arrayContaining(["/docs", VIEWER_SCRIPT_PATH, "/openapi.json"]));
      expect(errors).toEqual([]);
      // Whatever else the viewer tried (none needed), it got nothing from outside.
      expect(blocked.every((url) => !url.startsWith(origin))).toBe(true);
    } finally {
      await page.close();
    }
  }, 60_000);
});
