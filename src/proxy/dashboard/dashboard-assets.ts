/** The dashboard's browser code and styles, served by the admin listener with no network needed. */
export interface DashboardAssets {
  script: string;
  style: string;
}

// build.mjs bundles the browser code once and puts it into each role's bundle as these constants.
declare const __DASHBOARD_SCRIPT__: string | undefined;
declare const __DASHBOARD_STYLE__: string | undefined;

let fromSource: Promise<DashboardAssets> | undefined;

/**
 * The assets a bundle carries; run from source (tests, tsx), they are bundled on first use with
 * esbuild, the same call build.mjs makes, so both serve the same code.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  if (typeof __DASHBOARD_SCRIPT__ === "string" && typeof __DASHBOARD_STYLE__ === "string") {
    return Promise.resolve({ script: __DASHBOARD_SCRIPT__, style: __DASHBOARD_STYLE__ });
  }
  fromSource ??= import("./bundle-dashboard.mjs").then(({ bundleDashboard }) => bundleDashboard());
  return fromSource;
}
