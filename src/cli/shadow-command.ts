import { AdminClient } from "./admin-client.ts";
import { percentArgument } from "./routes-command.ts";
import type { Output } from "./output.ts";
import type { DiffReport } from "../proxy/shadow/diff-report.ts";

const routePath = (route: string) => `/admin/routes/${encodeURIComponent(route)}`;

/** `shadow <route> <percent>`: the share of GET/HEAD copied to the other side and compared. */
export async function setShadow(admin: AdminClient, out: Output, route: string, percent: string): Promise<void> {
  const reply = await admin.put<unknown>(`${routePath(route)}/shadow`, { percent: percentArgument(percent) });
  out.write(out.json ? `${JSON.stringify(reply, null, 2)}\n` : `${route}: shadowing ${percent}% of GET and HEAD requests\n`);
}


/** `diff <route>`: the shadow comparison report, summarised; --json gives it whole. */
export async function showDiff(admin: AdminClient, out: Output, route: string): Promise<void> {
  const report = await admin.get<DiffReport>(`${routePath(route)}/diff`);
  if (out.json) return void out.write(`${JSON.stringify(report, null, 2)}\n`);
  const lines = [`${route}: ${report.compared} compared, ${report.matched} matched, ${report.mismatched} mismatched, ${report.dropped} dropped`];
  if (report.noisyPaths.length) lines.push(`  noise (differs legacy vs legacy, not counted): ${report.noisyPaths.map((n) => `${n.path} (${n.count})`).join(", ")}`);
  for (const m of report.topMismatches) {
    lines.push(`  ${m.path}: ${m.count} mismatches`);
    for (const example of m.examples.slice(0, 2)) lines.push(`    e.g. ${JSON.stringify(example)}`);
  }
  out.write(`${lines.join("\n")}\n`);
}
