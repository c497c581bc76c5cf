// The HTTP server histogram's own cost per request: two Hono apps with the same timing middleware,
// one of which records into the route-template histogram, same routes, requests through app.fetch in this process (no sockets),
// interleaved rounds so both see the same machine load. Run: npm run bench:http-metrics
import { Hono } from "hono";
import { Registry } from "prom-client";
import type { AppEnv } from "../src/adapters/http-server/app-env.ts";
import { HttpServerMetrics } from "../src/adapters/metrics/http-server-metrics.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);

function app(timed: boolean) {
  const a = new Hono<AppEnv>();
  const record = timed ? new HttpServerMetrics(new Registry()).recorder("movies") : undefined;
  a.use(async (c, next) => {
    const started = performance.now();
    await next();
    record?.(c, (performance.now() - started) / 1000);
  });
  a.get("/api/movies/:id", (c) => c.json({ id: c.req.param("id") }));
  a.get("/api/movies", (c) => c.json([]));
  return a;
}

async function run(fetch: (r: Request) => Response | Promise<Response>): Promise<number> {
  const requests = Array.from({ length: 64 }, (_, i) => new Request(`http://x/api/movies${i % 2 ? `/${i}` : ""}`));
  const started = process.hrtime.bigint();
  for (let i = 0; i < REQUESTS; i++) await (await fetch(requests[i % 64]!)).arrayBuffer();
  return Number(process.hrtime.bigint() - started) / REQUESTS / 1000; // µs per request
}

const plain = app(false);
const timed = app(true);
await run(plain.fetch);
await run(timed.fetch); // warm-up
const results: Record<string, number[]> = { "without the histogram": [], "with the histogram": [] };
for (let r = 0; r < ROUNDS; r++) {
  results["without the histogram"]!.push(await run(plain.fetch));
  results["with the histogram"]!.push(await run(timed.fetch));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${ROUNDS} interleaved rounds of ${REQUESTS} requests; ${new Date().toISOString()}`);
console.log("| app | µs per request (median of rounds) |\n|---|---:|");
for (const [name, xs] of Object.entries(results)) console.log(`| ${name} | ${median(xs).toFixed(2)} |`);
const cost = median(results["with the histogram"]!) - median(results["without the histogram"]!);
console.log(`\nhistogram cost: ${cost.toFixed(2)} µs per request`);
