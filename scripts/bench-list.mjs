#!/usr/bin/env node
// Side by side in one run on one PostgreSQL: the whole GET /api/movies list at 100, 10,000 and
// 100,000 movies (3 genres each), and reads by id, from our movies bundle (as deployed: the whole
// list cached and validated against the database's list version on every request), the same
// bundle with LIST_CACHE_MAX_BYTES=0 (every request reads keyset pages and streams them), and a
// reference: a minimal node:http + pg server in this script that lets PostgreSQL build the whole
// JSON array (json_agg) and sends it, with no framework, no validation and no streaming. Then the
// whole GET /api/payments list of 10,000 payments the same three ways. Each server is its own OS
// process; peak RSS is its VmHWM from /proc. Our two rows' replies are checked byte-identical.
//
//   npm run bench:list     (runs under scripts/with-postgres.mjs, which sets DB_CONNECTION_STRING)
//   BENCH_SECONDS=10 BENCH_LIST_CONNECTIONS=10 BENCH_ID_CONNECTIONS=50 by default;
//   BENCH_LIST_SIZES=100,10000,100000 and BENCH_PAYMENTS=10000 (0: no payments table);
//   BENCH_BASELINE_DIST=<dir> adds rows for another build's dist/ (e.g. the commit before a change).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";
import { children, freePort, measure, startBundle, stopChildren, waitFor } from "./bench-support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const listConnections = Number(process.env.BENCH_LIST_CONNECTIONS ?? 10);
const idConnections = Number(process.env.BENCH_ID_CONNECTIONS ?? 50);
const baselineDist = process.env.BENCH_BASELINE_DIST;
const paymentsCount = Number(process.env.BENCH_PAYMENTS ?? 10_000);
const serverUrl = process.env.DB_CONNECTION_STRING;
if (!serverUrl) throw new Error("DB_CONNECTION_STRING is not set: run `npm run bench:list` (it starts PostgreSQL)");

async function onDatabase(url, statement) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

function databaseUrl(name) {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// The reference server: one statement, PostgreSQL builds the array, the reply is sent whole.
const referenceCode = `
const http = require("node:http");
const pg = require("pg");
const pool = new pg.Pool({ connectionString: process.env.DB_CONNECTION_STRING, max: 10 });
const genres = "coalesce((select json_agg(g.genre order by g.position) from movies.movie_genres g where g.movie_id = m.id), '[]')";
const all = "select coalesce(json_agg(json_build_object('id', m.id, 'title', m.title, 'description', m.description, 'genres', " + genres + ", 'rating', m.rating) order by m.id), '[]')::text as body from movies.movies m";
const payments = "select coalesce(json_agg(json_build_object('id', p.id, 'user_id', p.user_id, 'amount', p.amount, 'timestamp', p.timestamp) order by p.id), '[]')::text as body from payments.payments p";
const one = "select json_build_object('id', m.id, 'title', m.title, 'description', m.description, 'genres', " + genres + ", 'rating', m.rating)::text as body from movies.movies m where m.id = $1";
http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const id = url.searchParams.get("id");
  try {
    const { rows } = url.pathname === "/payments" ? await pool.query(payments) : id === null ? await pool.query(all) : await pool.query(one, [Number(id)]);
    if (rows.length === 0) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "application/json" }).end(rows[0].body);
  } catch (e) { res.writeHead(500).end(String(e.message)); }
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

async function startReference(port, url, readyPath = "/?id=1") {
  const child = spawn("node", ["-e", referenceCode], {
    env: { PATH: process.env.PATH, PORT: String(port), DB_CONNECTION_STRING: url, NODE_PATH: `${process.cwd()}/node_modules` },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}${readyPath}`);
  return child;
}

async function startOurs(port, url, dist = "dist", role = "movies", extraEnv = {}) {
  const env = { DB_CONNECTION_STRING: url, SEED_ON_START: "false", OUTBOX_RELAY: "false", ...extraEnv };
  if (dist === "dist") {
    await startBundle(role, port, env, `/api/${role}/health`);
  } else {
    const child = spawn("node", [`${dist}/movies.mjs`], {
      env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: "0", LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    await waitFor(`http://127.0.0.1:${port}/api/movies/health`);
  }
  return children[children.length - 1];
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

async function fill(url, count) {
  await onDatabase(
    url,
    `insert into movies.movies (title, description, rating)
     select 'Bench movie ' || i, 'A film to measure whole lists by, number ' || i || '.', (i % 101) / 10.0 from generate_series(1, ${count}) i`,
  );
  await onDatabase(
    url,
    `insert into movies.movie_genres (movie_id, position, genre) select id, p, (array['Drama', 'Sci-Fi', 'Noir'])[p + 1] from movies.movies, generate_series(0, 2) p`,
  );
  await onDatabase(url, "analyze");
}

async function replyBytes(url) {
  const res = await fetch(url);
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : `status ${res.status}`;
}

function row(name, r, rssMb, bytes) {
  const errors = r.errors + r.non2xx + r.timeouts;
  return `| ${name} | ${r.requests.average.toFixed(1)} | ${r.latency.p50} | ${r.latency.p99} | ${errors} | ${rssMb.toFixed(0)} | ${bytes ?? ""} |`;
}

async function benchSize(count, withIds) {
  const name = `cinema_bench_list_${count}`;
  await onDatabase(serverUrl, `drop database if exists ${name} with (force)`);
  await onDatabase(serverUrl, `create database ${name}`);
  const url = databaseUrl(name);
  const servers = [];
  try {
    // Our bundle migrates the fresh database on start; the reference then reads the same tables.
    const oursPort = await freePort();
    servers.push(["ours (movies bundle, whole list cached, version checked per request)", await startOurs(oursPort, url), oursPort]);
    await fill(url, count);
    const streamedPort = await freePort();
    servers.push(["ours, LIST_CACHE_MAX_BYTES=0 (keyset pages streamed)", await startOurs(streamedPort, url, "dist", "movies", { LIST_CACHE_MAX_BYTES: "0" }), streamedPort]);
    if (baselineDist) {
      const port = await freePort();
      servers.push([`baseline (${baselineDist})`, await startOurs(port, url, baselineDist), port]);
    }
    const refPort = await freePort();
    servers.push(["reference (node:http + pg, json_agg in PostgreSQL)", await startReference(refPort, url), refPort]);

    const lines = [];
    const replies = [];
    for (const [label, child, port] of servers) {
      const listUrl = `http://127.0.0.1:${port}${label.startsWith("reference") ? "/" : "/api/movies"}`;
      await measureWholeList(label, child, listUrl, lines, replies);
      if (withIds && label.startsWith("ours (")) {
        // A client that keeps the list and revalidates it: If-None-Match with the ETag it got.
        const etag = (await fetch(listUrl)).headers.get("etag");
        const r = await measure({ url: listUrl, headers: { "if-none-match": etag } }, listConnections, seconds);
        lines.push(row("ours, revalidated (If-None-Match, 304)", { ...r, non2xx: r.non2xx - r["3xx"] }, peakRssMb(child.pid), 0));
      }
    }
    printWholeLists(`GET /api/movies, whole list of ${count} movies x 3 genres`, lines, replies);

    if (withIds) {
      const idLines = [];
      for (const [label, child, port] of servers.filter(([l]) => !l.includes("LIST_CACHE_MAX_BYTES=0"))) {
        const base = label.startsWith("reference") ? "/?id=" : "/api/movies?id=";
        const options = {
          url: `http://127.0.0.1:${port}`,
          requests: [{ setupRequest: (req) => ({ ...req, path: `${base}${1 + Math.floor(Math.random() * count)}` }) }],
        };
        await measure(options, idConnections, 2);
        idLines.push(row(label, await measure(options, idConnections, seconds), peakRssMb(child.pid)));
      }
      console.log(`\nGET /api/movies?id=<random of ${count}>, ${idConnections} connections, ${seconds} s per row`);
      console.log("| server | req/s | p50 ms | p99 ms | errors | peak RSS MB | |");
      console.log("|---|---:|---:|---:|---:|---:|---:|");
      for (const line of idLines) console.log(line);
    }
  } finally {
    await stopChildren();
    children.length = 0;
    await onDatabase(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

/** Measures one server's whole list after a warm-up: appends its table row to `lines`, and its reply to `replies` when it is ours. */
async function measureWholeList(label, child, listUrl, lines, replies) {
  const body = await replyBytes(listUrl);
  if (label.startsWith("ours")) replies.push(body);
  await measure({ url: listUrl }, listConnections, 2);
  lines.push(row(label, await measure({ url: listUrl, timeout: 60 }, listConnections, seconds), peakRssMb(child.pid), body.byteLength ?? body));
}

/** Prints the whole-list table, saying whether our two replies (cached and streamed) are byte-identical. */
function printWholeLists(title, lines, replies) {
  const identical = replies.length === 2 && Buffer.isBuffer(replies[0]) && replies[0].equals(replies[1]);
  console.log(`\n${title}, ${listConnections} connections, ${seconds} s per row (our two replies byte-identical: ${identical ? "yes" : "NO"})`);
  console.log("| server | req/s | p50 ms | p99 ms | errors | peak RSS MB | reply bytes |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const line of lines) console.log(line);
}

async function benchPayments(count) {
  const name = "cinema_bench_payments";
  await onDatabase(serverUrl, `drop database if exists ${name} with (force)`);
  await onDatabase(serverUrl, `create database ${name}`);
  const url = databaseUrl(name);
  try {
    const servers = [];
    const oursPort = await freePort();
    servers.push(["ours (payments bundle, whole list cached, version checked per request)", await startOurs(oursPort, url, "dist", "payments"), oursPort]);
    await onDatabase(url, `insert into payments.payments (user_id, amount) select 1 + i % 100, 1 + (i % 1000) / 100.0 from generate_series(1, ${count}) i`);
    await onDatabase(url, "analyze");
    const streamedPort = await freePort();
    servers.push(["ours, LIST_CACHE_MAX_BYTES=0 (keyset pages streamed)", await startOurs(streamedPort, url, "dist", "payments", { LIST_CACHE_MAX_BYTES: "0" }), streamedPort]);
    const refPort = await freePort();
    servers.push(["reference (node:http + pg, json_agg in PostgreSQL)", await startReference(refPort, url, "/payments"), refPort]);
    const lines = [];
    const replies = [];
    for (const [label, child, port] of servers) {
      await measureWholeList(label, child, `http://127.0.0.1:${port}${label.startsWith("reference") ? "/payments" : "/api/payments"}`, lines, replies);
    }
    printWholeLists(`GET /api/payments, whole list of ${count} payments`, lines, replies);
  } finally {
    await stopChildren();
    children.length = 0;
    await onDatabase(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

console.log(`bench:list ${new Date().toISOString()}`);
for (const count of (process.env.BENCH_LIST_SIZES ?? "100,10000,100000").split(",").map(Number)) {
  await benchSize(count, count === 10_000);
}
if (paymentsCount > 0) await benchPayments(paymentsCount);
