import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, which `.ci/run` installs; playwright's own download is not used. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser suites can run here; in CI they must, so a missing chromium fails there. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI must install chromium (apt-get install -y chromium) before the browser tier`);
  console.warn(`browser suites skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return false;
}

/** A headless chromium with nothing that phones home: no background networking, no first-run work. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
}
