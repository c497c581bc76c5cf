/** The dashboard's browser code and styles as strings (see bundle-dashboard.mjs). */
export function bundleDashboard(): Promise<{ script: string; style: string }>;
