import { spawn } from "node:child_process";
import pg from "pg";
import autocannon from "autocannon";
const server = process.env.DB_CONNECTION_STRING;
const q = async (url, s) => { const c = new pg.Client({ connectionString: url }); await c.connect(); try { return await c.query(s); } finally { await c.end(); } };
await q(server, "create database exp");
const u = new URL(server); u.pathname = "/exp"; const url = u.toString();
import { readFileSync } from "node:fs";
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return Number(f[11]) + Number(f[12]); };
const configs = JSON.parse(process.env.CONFIGS);
const kids = [];
let port = 18600;
for (const cfg of configs) {
  const p = port++;
  const child = spawn("node", [...(cfg.args ?? []), `${cfg.dist ?? "dist"}/movies.mjs`], { env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(p), DB_CONNECTION_STRING: url, SEED_ON_START: "false", OUTBOX_RELAY: "false", ...cfg.env }, stdio: ["ignore", cfg.pipe ? "pipe" : "ignore", "inherit"] });
  if (cfg.pipe) child.stdout.on("data", () => {});
  kids.push({ cfg, child, p });
  for (let i = 0; i < 300; i++) { try { if ((await fetch(`http://127.0.0.1:${p}/api/movies/health`)).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
  if (kids.length === 1) {
    await q(url, "insert into movies.movies (title, description, rating) select 'Bench movie ' || i, 'A film ' || i, (i % 101) / 10.0 from generate_series(1, 10000) i");
    await q(url, "insert into movies.movie_genres (movie_id, position, genre) select id, p, (array['Drama','Sci-Fi','Noir'])[p + 1] from movies.movies, generate_series(0, 2) p");
    await q(url, "analyze");
  }
}
const run = (p, d) => new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${p}`, connections: 50, duration: d, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/movies?id=${1 + Math.floor(Math.random() * 10000)}` }) }] }, (e, r) => e ? rej(e) : res(r)));
for (let round = 0; round < Number(process.env.ROUNDS ?? 1); round++)
for (const k of kids) {
  await run(k.p, 2);
  const c0 = cpu(k.child.pid);
  const r = await run(k.p, Number(process.env.SECS ?? 8));
  const cms = ((cpu(k.child.pid) - c0) * 10) / r.requests.total;
  console.log(JSON.stringify(k.cfg.name), "req/s", r.requests.average.toFixed(0), "p50", r.latency.p50, "p99", r.latency.p99, "max", r.latency.max, "err", r.errors + r.non2xx, "cpu ms/req", cms.toFixed(3));
}
for (const k of kids) { k.child.kill("SIGTERM"); await new Promise(r => k.child.once("exit", r)); }
await q(server, "drop database exp with (force)");
