// What the benchmark scripts share: free ports, bundles as child processes, autocannon runs, a table.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import autocannon from "autocannon";

export const children = [];

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(url) {
  for (let i = 0; i < 900; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered`);
}

/** Starts `node dist/<role>.mjs` on a port and resolves once healthPath answers. */
export async function startBundle(role, port, env, healthPath = "/health") {
  const child = spawn("node", [`dist/${role}.mjs`], {
    // ADMIN_PORT 0: several gateways at once must not contend for the admin listener's default port.
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}${healthPath}`);
}

/** One autocannon run; options as autocannon takes them (url, method, body, headers, ...). */
export function measure(options, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Prints rows of {name, result} as a Markdown table, each row's throughput against the first's. */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log("| path | req/s | p50 ms | p99 ms | errors | req/s vs first row |");
  console.log("|---|---:|---:|---:|---:|---:|");
  const first = rows[0].result.requests.average;
  for (const { name, result: r } of rows) {
    console.log(`| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} | ${(r.requests.average / first).toFixed(2)} |`);
  }
}

/** Stops every child started here and waits for each to exit. */
export function stopChildren() {
  return Promise.all(
    children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once("exit", resolve), child.kill("SIGTERM"))))),
  );
}
