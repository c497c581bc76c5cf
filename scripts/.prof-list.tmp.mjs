// Under with-postgres: fill 10k movies, run movies bundle with --cpu-prof, measure.
import { spawn } from "node:child_process";
import pg from "pg";
import autocannon from "autocannon";
const server = process.env.DB_CONNECTION_STRING;
const q = async (url, s) => { const c = new pg.Client({ connectionString: url }); await c.connect(); try { return await c.query(s); } finally { await c.end(); } };
await q(server, "create database prof");
const u = new URL(server); u.pathname = "/prof"; const url = u.toString();
const dist = process.env.DIST ?? "dist";
const child = spawn("node", ["--cpu-prof", "--cpu-prof-dir=/tmp/perf/prof-" + (process.env.TAG ?? "x"), `${dist}/movies.mjs`], { env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "18555", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", DB_CONNECTION_STRING: url, SEED_ON_START: "false", ...(process.env.POOL ? { DB_POOL_MAX: process.env.POOL } : {}) }, stdio: ["ignore", "ignore", "inherit"] });
for (let i = 0; i < 300; i++) { try { if ((await fetch("http://127.0.0.1:18555/api/movies/health")).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
await q(url, "insert into movies.movies (title, description, rating) select 'Bench movie ' || i, 'A film ' || i, (i % 101) / 10.0 from generate_series(1, 10000) i");
await q(url, "insert into movies.movie_genres (movie_id, position, genre) select id, p, (array['Drama','Sci-Fi','Noir'])[p + 1] from movies.movies, generate_series(0, 2) p");
await q(url, "analyze");
const mode = process.env.MODE ?? "list";
if (mode === "list") {
  for (let i = 0; i < 15; i++) { const t = performance.now(); const r = await fetch("http://127.0.0.1:18555/api/movies"); const b = await r.arrayBuffer(); console.log(r.status, b.byteLength, (performance.now() - t).toFixed(0), "ms"); }
} else {
  const r = await new Promise((res, rej) => autocannon({ url: "http://127.0.0.1:18555", connections: 50, duration: 8, requests: [{ setupRequest: (req) => ({ ...req, path: `/api/movies?id=${1 + Math.floor(Math.random() * 10000)}` }) }] }, (e, r) => e ? rej(e) : res(r)));
  console.log("byid req/s", r.requests.average, "p50", r.latency.p50, "p99", r.latency.p99, "errors", r.errors + r.non2xx);
}
child.kill("SIGTERM");
await new Promise(r => child.once("exit", r));
await q(server, "drop database prof with (force)");
