// What the benchmark scripts share: free ports, bundles as child processes, autocannon and wrk runs, a table.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** Whether wrk (Debian's package) is installed: a load generator in C that leaves the machine's cores to what is measured. */
export const wrkInstalled = spawnSync("wrk", ["--version"]).error === undefined;

// wrk sends the request these describe, and prints its figures as one JSON line when done (latencies in µs).
const WRK_SCRIPT = `
wrk.method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY")
if body ~= "" then wrk.body = body end
for name, value in string.gmatch(os.getenv("WRK_HEADERS"), "([^:\\n]+): ([^\\n]*)") do wrk.headers[name] = value end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"us":%d,"p50":%d,"p99":%d,"errors":%d,"non2xx":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`;
let wrkScript;

/**
 * One wrk run (1 thread), with the result in autocannon's shape (requests.average and total,
 * latency.p50 and p99 in ms, errors, non2xx). Options: url, and optionally method, body, headers.
 */
export function measureWithWrk(options, connections, duration) {
  if (!wrkScript) {
    const dir = mkdtempSync(join(tmpdir(), "bench-wrk-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    wrkScript = join(dir, "request.lua");
    writeFileSync(wrkScript, WRK_SCRIPT);
  }
  const headers = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}\n`).join("");
  const env = { ...process.env, WRK_METHOD: options.method ?? "GET", WRK_BODY: options.body ?? "", WRK_HEADERS: headers };
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${duration}s`, "-s", wrkScript, options.url], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}: ${out}`));
      const r = JSON.parse(line);
      const ms = (us) => Math.round(us / 100) / 10;
      resolve({ requests: { average: r.requests / (r.us / 1e6), total: r.requests }, latency: { p50: ms(r.p50), p99: ms(r.p99) }, errors: r.errors, non2xx: r.non2xx });
    });
  });
}

/** The load generator of the benchmarks that take one URL and request: wrk when installed, else autocannon. */
export const drive = wrkInstalled ? measureWithWrk : measure;
/** How `drive` drives the load, for a table's title. */
export const loadGenerator = wrkInstalled ? "wrk, 1 thread" : "autocannon";

/** Prints rows of {name, result} as a Markdown table, each row's throughput against the first's. */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  // The CPU column when some row measured it: CPU per request varies far less than req/s with what
  // else the two cores are doing, so it is the steadier figure for comparing two builds.
  const cpu = rows.some((row) => row.cpuUs !== undefined);
  // This machine is a VM: what its host takes for others (steal) in a window slows every process in it.
  const steal = rows.some((row) => row.stealPercent !== undefined);
  console.log(`| path | req/s | p50 ms | p99 ms | errors | req/s vs first row |${cpu ? " server process CPU µs per request |" : ""}${steal ? " machine CPU stolen by the host, % |" : ""}`);
  console.log(`|---|---:|---:|---:|---:|---:|${cpu ? "---:|" : ""}${steal ? "---:|" : ""}`);
  const first = rows[0].result.requests.average;
  for (const { name, result: r, cpuUs, stealPercent } of rows) {
    const cpuCell = cpu ? ` ${cpuUs === undefined ? "" : cpuUs.toFixed(0)} |` : "";
    const stealCell = steal ? ` ${stealPercent === undefined ? "" : stealPercent.toFixed(1)} |` : "";
    console.log(`| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} | ${(r.requests.average / first).toFixed(2)} |${cpuCell}${stealCell}`);
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ 100
}

/** The machine's CPU time so far in clock ticks: all of it, and what the hypervisor gave to others (steal). */
function machineTicks() {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: fields.reduce((sum, n) => sum + n, 0), steal: fields[7] ?? 0 };
}

/**
 * One measured window of `drive` against a server process, with that process's CPU µs per request
 * in it, and the share of the machine's CPU the host took away over the window.
 */
export async function driveMeasuringCpu(pid, options, connections, duration) {
  const before = cpuMs(pid);
  const machine = machineTicks();
  const result = await drive(options, connections, duration);
  const total = result.requests.total ?? 0;
  const after = machineTicks();
  const ticks = after.total - machine.total;
  return { result, cpuUs: total > 0 ? ((cpuMs(pid) - before) * 1000) / total : undefined, stealPercent: ticks > 0 ? (100 * (after.steal - machine.steal)) / ticks : undefined };
}

/**
 * Stops one child and resolves once it has exited. A child already gone resolves at once: one that a
 * signal stopped has a signalCode and no exitCode, and its "exit" has already fired.
 */
export function stopChild(child) {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once("exit", resolve), child.kill("SIGTERM"))));
}

/** Stops every child started here and waits for each to exit. */
export function stopChildren() {
  return Promise.all(children.map(stopChild));
}
