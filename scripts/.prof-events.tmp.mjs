import { spawn } from "node:child_process";
import autocannon from "autocannon";
const child = spawn("node", ["--cpu-prof", "--cpu-prof-dir=/tmp/perf/prof-events", "dist/events.mjs"], { env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "18777", ADMIN_PORT: "0", LOG_LEVEL: "warn", ...(process.env.DB_CONNECTION_STRING ? { DB_CONNECTION_STRING: process.env.DB_CONNECTION_STRING } : { PGLITE_DATA_DIR: "memory://" }), OUTBOX_RELAY: "false", KAFKA_BROKERS: process.env.KAFKA_BROKERS }, stdio: ["ignore", "ignore", "inherit"] });
for (let i = 0; i < 300; i++) { try { if ((await fetch("http://127.0.0.1:18777/api/events/health")).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const body = JSON.stringify({ movie_id: 42, title: "Inception", action: "viewed", user_id: 7, rating: 8.5, genres: ["Sci-Fi", "Action"] });
const r = await new Promise((res, rej) => autocannon({ url: "http://127.0.0.1:18777/api/events/movie", method: "POST", body, headers: { "content-type": "application/json" }, connections: 20, duration: 10 }, (e, r) => e ? rej(e) : res(r)));
console.log("req/s", r.requests.average, "p50", r.latency.p50, "p99", r.latency.p99, "err", r.errors + r.non2xx);
child.kill("SIGTERM"); await new Promise(r => child.once("exit", r));
