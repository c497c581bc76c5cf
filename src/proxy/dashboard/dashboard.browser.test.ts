import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlinePage, openBrowser, screenshot } from "../../testing/headless-browser.ts";
import { countBy, sendMany } from "../../testing/http-load.ts";
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from "../../testing/test-gateway.ts";

let g: TestGateway;
let browser: Browser;

beforeAll(async () => {
  g = await startTestGateway();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await g?.stop();
});

const load = (count: number) => sendMany(count, 5, () => fetch(`${g.url}/api/movies`));

describe("the migration dashboard, in a real browser", () => {
  it("asks for the token once, shows every route, moves with the traffic and sets a percent", async () => {
    const { page, refused, consoleErrors } = await offlinePage(browser, g.adminUrl);
    await page.goto(`${g.adminUrl}/`);
    await page.fill("#token", ADMIN_TOKEN);
    await page.click("#login button[type=submit]");
    const movies = page.locator('[data-route="movies"]');
    await movies.waitFor({ timeout: 15_000 });
    for (const name of ["auth", "events", "payments", "users"]) await page.locator(`[data-route="${name}"]`).waitFor({ timeout: 5_000 });
    await expect.poll(() => movies.getAttribute("data-percent")).toBe("0");

    // A bounded load: the legacy side's rate on the page leaves zero within a few ticks.
    await load(40);
    await expect.poll(async () => Number(await movies.getAttribute("data-rps-legacy")), { timeout: 15_000, interval: 250 }).toBeGreaterThan(0);
    await screenshot(page, "dashboard-1280");

    page.once("dialog", (dialog) => void dialog.accept());
    await movies.locator('input[type="number"]').fill("100");
    await movies.locator(".percent-form button").click();
    await expect.poll(() => movies.getAttribute("data-percent"), { timeout: 15_000, interval: 250 }).toBe("100");
    expect(countBy(await load(10))).toEqual({ "movies-service": 10 });

    // A dismissed confirmation changes nothing.
    page.once("dialog", (dialog) => void dialog.dismiss());
    await movies.locator('input[type="number"]').fill("0");
    await movies.locator(".percent-form button").click();
    expect(countBy(await load(10))).toEqual({ "movies-service": 10 });

    // A rollout started by the API shows on the page; Abort there returns the route to 0 %.
    const started = await fetch(`${g.adminUrl}/admin/routes/movies/rollout`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ steps: [{ percent: 50, duration: "1h" }, { percent: 100 }] }),
    });
    expect(started.status).toBe(201);
    await expect.poll(() => movies.locator('[data-testid="rollout-state"]').textContent(), { timeout: 15_000, interval: 250 }).toBe("progressing");
    await expect.poll(() => movies.getAttribute("data-percent"), { timeout: 15_000, interval: 250 }).toBe("50");
    await screenshot(page, "dashboard-rollout");
    page.once("dialog", (dialog) => void dialog.accept());
    await movies.locator('button[data-action="abort"]').click();
    await expect.poll(() => movies.locator('[data-testid="rollout-state"]').textContent(), { timeout: 15_000, interval: 250 }).toBe("aborted");
    await expect.poll(() => movies.getAttribute("data-percent"), { timeout: 15_000, interval: 250 }).toBe("0");
    expect(countBy(await load(10))).toEqual({ monolith: 10 });

    // The token was kept for the tab: a reload goes straight to the routes.
    await page.reload();
    await movies.waitFor({ timeout: 15_000 });
    expect(await page.locator("#login").isHidden()).toBe(true);
    expect(refused).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it("fits a phone's width and says when the token is refused", async () => {
    const { page, refused } = await offlinePage(browser, g.adminUrl, { width: 390, height: 844 });
    await page.goto(`${g.adminUrl}/`);
    await page.fill("#token", "not-the-token");
    await page.click("#login button[type=submit]");
    await expect.poll(() => page.locator("#login-error").textContent(), { timeout: 15_000 }).toContain("refused the token");
    await page.fill("#token", ADMIN_TOKEN);
    await page.click("#login button[type=submit]");
    await page.locator('[data-route="movies"]').waitFor({ timeout: 15_000 });
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "dashboard-phone");
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
