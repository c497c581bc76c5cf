#!/usr/bin/env node
// Side by side in one run: GET /api/movies straight from the monolith, through a minimal Node
// proxy written here (the floor), through our gateway, and through Debian's nginx as a reference
// reverse proxy (when installed: apt-get install nginx-light; this script installs nothing). For
// each proxy, its process's CPU per request (from /proc) and the ratio to the floor, from two windows per
// row placed symmetrically in the run (A B C C B A), with the host's steal in each. Each server is its own OS
// process started from the bundles; the load comes from wrk (1 thread) when installed (apt-get
// install wrk), else from autocannon in this process, which then takes CPU from what it measures.
//
//   npm run bench:gateway            (BENCH_SECONDS=10 BENCH_WARMUP_SECONDS=15 BENCH_CONNECTIONS=50 by default)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { children, drive, driveMeasuringCpu, freePort, loadGenerator, startBundle, stopChildren, waitFor } from "./bench-support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
// Long enough for a freshly started proxy's JIT and heap to settle: 2 s left the first row measured
// of a process up to a third slower than the same process a minute later, and at wrk's rates 5 s
// left the gateway's first row at 0.117 to 0.130 ms of CPU per request where its second row, on the
// same process, took 0.108 to 0.110 (with 15 s: 0.110 and 0.116, the bearer-token row now the dearer).
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const scratch = mkdtempSync(join(tmpdir(), "cinemaabyss-bench-"));
const BENCH_SECRET = randomBytes(32).toString("base64url");

/** An access token the gateway accepts: signed with the key it was started with, for user 42. */
function benchToken() {
  return new SignJWT({ role: "user" })
    .setProtectedHeader({ alg: "HS256", kid: "bench", typ: "JWT" })
    .setSubject("42")
    .setIssuer("cinemaabyss")
    .setAudience("cinemaabyss-api")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(BENCH_SECRET));
}

function startNginx(port, upstreamPort) {
  const which = spawnSync("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"], { encoding: "utf8" });
  const bin = which.stdout.trim().split("\n")[0];
  if (!bin) return false;
  const conf = join(scratch, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off; worker_processes 1; pid ${scratch}/nginx.pid; error_log ${scratch}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${scratch}/body; proxy_temp_path ${scratch}/proxy;
  fastcgi_temp_path ${scratch}/fcgi; uwsgi_temp_path ${scratch}/uwsgi; scgi_temp_path ${scratch}/scgi;
  upstream monolith { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://monolith; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`,
  );
  children.push(spawn(bin, ["-c", conf, "-p", scratch], { stdio: ["ignore", "ignore", "inherit"] }));
  return true;
}

/**
 * The floor: the least a Node proxy can do, node:http in front of an undici Pool, no logic at all.
 * Our gateway is measured against it (req/s and CPU per request).
 */
async function startFloorProxy(port, upstreamPort) {
  const code = `
const http = require("node:http");
const { Pool } = require("undici");
const pool = new Pool("http://127.0.0.1:${upstreamPort}", { connections: 128 });
http.createServer(async (req, res) => {
  try {
    const up = await pool.request({ method: req.method, path: req.url, headers: req.headers, body: req.method === "GET" || req.method === "HEAD" ? null : req });
    res.writeHead(up.statusCode, up.headers);
    for await (const chunk of up.body) res.write(chunk);
    res.end();
  } catch { res.writeHead(502).end(); }
}).listen(${port}, "127.0.0.1");`;
  const child = spawn("node", ["-e", code], { env: { PATH: process.env.PATH, NODE_PATH: join(process.cwd(), "node_modules") }, stdio: "inherit" });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/health`);
  return child;
}

/** A plain node:http server answering every request with the same bytes: an upstream that costs nothing. */
function startStaticUpstream(port, body) {
  const code = `require("node:http").createServer((q, r) => { q.resume(); r.writeHead(200, {"content-type": "application/json"}); r.end(process.env.BODY); }).listen(${port}, "127.0.0.1")`;
  children.push(spawn("node", ["-e", code], { env: { ...process.env, BODY: body }, stdio: "inherit" }));
  return waitFor(`http://127.0.0.1:${port}/health`);
}

/** Measures GET /api/movies on the upstream itself, through our gateway, nginx and the floor proxy. */
async function compare(title, upstreamPort) {
  const [gatewayPort, nginxPort, floorPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  await startBundle("proxy", gatewayPort, { MONOLITH_URL: upstream, AUTH_JWT_KEYS: `bench:${BENCH_SECRET}` });
  const gateway = children[children.length - 1];
  const floor = await startFloorProxy(floorPort, upstreamPort);
  const targets = [
    ["direct", `${upstream}/api/movies`, undefined],
    ["minimal Node proxy (floor: node:http + undici Pool)", `http://127.0.0.1:${floorPort}/api/movies`, floor],
    ["through our gateway", `http://127.0.0.1:${gatewayPort}/api/movies`, gateway],
    // A signed-in caller: the token is verified (then kept) and its subject picks the sticky side.
    ["through our gateway, with a bearer token", `http://127.0.0.1:${gatewayPort}/api/movies`, gateway, { authorization: `Bearer ${await benchToken()}` }],
  ];
  if (startNginx(nginxPort, upstreamPort)) {
    await waitFor(`http://127.0.0.1:${nginxPort}/health`);
    // The worker, not the master, does the proxying: it is the master's only child.
    const master = children[children.length - 1];
    const worker = readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, "utf8").trim().split(" ")[0];
    targets.push(["through nginx (reference)", `http://127.0.0.1:${nginxPort}/api/movies`, { pid: Number(worker) }]);
  } else {
    console.log("nginx not installed (apt-get install nginx-light): reference row skipped");
  }
  // Forward then backward (A B C C B A): this VM's speed drifts by a third within minutes, so each
  // row is two windows placed symmetrically in the run, and the ratios compare their sums.
  const windows = new Map(targets.map(([name]) => [name, []]));
  for (const [name, url, proxy, headers] of [...targets, ...[...targets].reverse()]) {
    await drive({ url, headers }, connections, warmupSeconds); // not counted
    // No CPU figure for the direct row (no proxy), nor when no request finished (a starved machine).
    const measured = proxy ? await driveMeasuringCpu(proxy.pid, { url, headers }, connections, seconds) : { result: await drive({ url, headers }, connections, seconds) };
    windows.get(name).push(measured);
  }
  const rows = [...windows].map(([name, both]) => summed(name, both));
  console.log(`\n${title}`);
  console.log("| path | req/s (each window) | p50 ms | p99 ms | errors | proxy CPU ms/req | req/s vs floor | CPU/req vs floor | steal % |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const floorRow = rows[1];
  for (const r of rows) {
    const cpuText = r.cpu === undefined ? "" : r.cpu.toFixed(3);
    const cpuRatio = r.cpu === undefined || floorRow.cpu === undefined ? "" : (r.cpu / floorRow.cpu).toFixed(2);
    console.log(
      `| ${r.name} | ${r.rps.toFixed(0)} (${r.each.map((x) => x.toFixed(0)).join(", ")}) | ${r.p50} | ${r.p99} | ${r.errors} | ${cpuText} | ${(r.rps / floorRow.rps).toFixed(2)} | ${cpuRatio} | ${r.steal} |`,
    );
  }
}

/** One row from its windows: requests and CPU summed over both, the worse latency, each window's steal. */
function summed(name, both) {
  const requests = both.reduce((n, w) => n + (w.result.requests.total ?? w.result.requests.average * seconds), 0);
  const cpuKnown = both.every((w) => w.cpuUs !== undefined);
  const cpuMs = cpuKnown ? both.reduce((n, w) => n + (w.cpuUs * (w.result.requests.total ?? 0)) / 1000, 0) : undefined;
  return {
    name,
    each: both.map((w) => w.result.requests.average),
    rps: both.reduce((n, w) => n + w.result.requests.average, 0) / both.length,
    p50: Math.max(...both.map((w) => w.result.latency.p50)),
    p99: Math.max(...both.map((w) => w.result.latency.p99)),
    errors: both.reduce((n, w) => n + w.result.errors + w.result.non2xx, 0),
    cpu: cpuMs === undefined || requests === 0 ? undefined : cpuMs / requests,
    steal: both.every((w) => w.stealPercent === undefined) ? "" : both.map((w) => (w.stealPercent === undefined ? "?" : w.stealPercent.toFixed(1))).join(", "),
  };
}

async function main() {
  const [monolithPort, staticPort] = await Promise.all([freePort(), freePort()]);
  // The monolith verifies the token too (every role does): it shares the gateway's key.
  await startBundle("monolith", monolithPort, { PGLITE_DATA_DIR: "memory://", AUTH_JWT_KEYS: `bench:${BENCH_SECRET}` });
  const monolith = `http://127.0.0.1:${monolithPort}`;
  // A catalogue of 50 movies, so the reply is a realistic list rather than a handful of bytes.
  for (let i = 0; i < 46; i++) {
    await fetch(`${monolith}/api/movies`, {
      method: "POST",
      body: JSON.stringify({ title: `Bench movie ${i}`, description: "A film to measure proxies by.", genres: ["Drama", "Bench"], rating: 7.5 }),
    });
  }
  const body = await (await fetch(`${monolith}/api/movies`)).text();
  console.log(`GET /api/movies: ${Buffer.byteLength(body)} bytes (50 movies); ${connections} connections (${loadGenerator}), ${seconds} s per row; ${new Date().toISOString()}`);
  await compare("Upstream: the monolith bundle (embedded PGlite)", monolithPort);
  await startStaticUpstream(staticPort, body);
  await compare("Upstream: a static node:http server with the same body (isolates the proxy's own cost)", staticPort);
}

try {
  await main();
} finally {
  await stopChildren();
  rmSync(scratch, { recursive: true, force: true });
}
