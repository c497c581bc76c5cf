#!/usr/bin/env node
// POST /api/events/movie on the events service bundle, side by side in one run: with the
// in-process event log (no broker: the baseline), and with the real Kafka broker named by
// KAFKA_BROKERS (idempotent producer, acks from all in-sync replicas). The reference row is
// kafkajs alone in this process, no HTTP: 20 concurrent senders, one message per send, each
// waiting for its acknowledgement, as a request does (what a producer without coalescing gives).
// The floor row is a minimal endpoint (node:http + kafkajs with the same coalescing, see
// FLOOR_ENDPOINT). A second table says how far each Kafka row's consumer group was behind when its
// window closed, and how long it took to catch up.
//
//   npm run bench:events          (starts PostgreSQL and a broker; BENCH_SECONDS=10, BENCH_CONNECTIONS=20,
//                                  BENCH_KAFKA_WARM_UP_SECONDS=20 before each Kafka row)
//   node build.mjs && scripts/kafka.sh run -- node scripts/bench-events.mjs    (events processes on PGlite)
//   BENCH_BASELINE_DIST=<dir> adds an in-process row and two Kafka rows for another build's dist/
//   (e.g. the commit before a change), and a second Kafka row of this build: the Kafka rows go this
//   build, baseline, baseline, this build, in the same run against the same broker and database.
//   BENCH_CPU_PROF=<dir> writes each events process's CPU profile there (node --cpu-prof).
// The load comes from wrk (1 thread) when it is installed (apt-get install wrk), as in the issue's
// own figures, else from autocannon in this process. autocannon in Node took a fifth to a third of a
// core at these rates, from the same two cores as the broker, PostgreSQL and the service measured.
// The title carries the load generator and the machine's load average at the start and the end.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { Kafka, logLevel } from "kafkajs";
import { children, drive, driveMeasuringCpu, freePort, loadGenerator, printTable, stopChild, stopChildren, waitFor } from "./bench-support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const baselineDist = process.env.BENCH_BASELINE_DIST;
const kafkaWarmUpSeconds = Number(process.env.BENCH_KAFKA_WARM_UP_SECONDS ?? 20);
if (!process.env.KAFKA_BROKERS) {
  console.error("KAFKA_BROKERS is not set: run it as `npm run bench:events`, which starts a broker");
  process.exit(2);
}

const body = JSON.stringify({ movie_id: 42, title: "Inception", action: "viewed", user_id: 7, rating: 8.5, genres: ["Sci-Fi", "Action"] });
const request = (port) => ({ url: `http://127.0.0.1:${port}/api/events/movie`, method: "POST", body, headers: { "content-type": "application/json" } });

/** kafkajs alone: `connections` loops each sending one message and waiting for acks=all; autocannon-shaped result. */
async function kafkajsAlone(measureSeconds = seconds, topic = "movie-events") {
  const kafka = new Kafka({ clientId: "bench-kafkajs-alone", brokers: process.env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const send = () => producer.send({ topic, acks: -1, messages: [{ key: "42", value: body }] });
  const run = async (ms) => {
    const latencies = [];
    const end = Date.now() + ms;
    let errors = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < end) {
          const t = performance.now();
          try {
            await send();
            latencies.push(performance.now() - t);
          } catch {
            errors++;
          }
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    return { requests: { average: latencies.length / (ms / 1000) }, latency: { p50: at(0.5), p99: at(0.99) }, errors, non2xx: 0 };
  };
  try {
    await run(2_000);
    return await run(measureSeconds * 1000);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Starts `node <dist>/events.mjs` on a free port and scrapes its /metrics once, as Prometheus does
 * in production (a scrape can change how every later request runs: see the admin app's
 * asyncContext); resolves with its port, pid and a stop function.
 */
async function startEvents(dist, env) {
  const port = await freePort();
  const adminPort = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const child = spawn("node", [...profile, `${dist}/events.mjs`], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: String(adminPort), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/api/events/health`);
  await waitFor(`http://127.0.0.1:${adminPort}/metrics`);
  return { port, pid: child.pid, stop: () => stopChild(child) };
}

/**
 * Waits (up to 3 minutes) until the events consumer group has handled every movie event on the
 * broker, so that a Kafka row's backlog is not left for the next row's process to work off.
 */
async function waitForConsumerGroup(admin) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const lag = await consumerLag(admin);
    if (lag === 0 || Date.now() > deadline) return lag;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Movie events on the broker that the events consumer group has not committed yet. */
async function consumerLag(admin) {
  const [committed] = await admin.fetchOffsets({ groupId: "events-service", topics: ["movie-events"] });
  const ends = new Map((await admin.fetchTopicOffsets("movie-events")).map((p) => [p.partition, Number(p.high)]));
  return (committed?.partitions ?? []).reduce((n, p) => n + Math.max(0, (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset))), 0);
}

/**
 * The floor: a minimal events endpoint in a process of its own, no framework, no validation, no
 * consumer: node:http, JSON.parse, and one kafkajs idempotent producer (acks=all) with the same
 * coalescing as ours (one produce in flight; what waits goes in the next), each 201 after its
 * own message's acknowledgement. What HTTP plus Kafka cost here, whatever we build on them.
 */
const FLOOR_ENDPOINT = `
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
const producer = new Kafka({ clientId: "bench-floor", brokers: process.env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
await producer.connect();
let waiting = [];
let sending = false;
const send = async () => {
  if (sending || waiting.length === 0) return;
  sending = true;
  const batch = waiting;
  waiting = [];
  try {
    const acked = await producer.send({ topic: "bench-floor", acks: -1, messages: batch.map((w) => w.message) });
    batch.forEach((w) => w.done(acked[0]));
  } catch (error) {
    batch.forEach((w) => w.fail(error));
  }
  sending = false;
  void send();
};
createServer((req, res) => {
  if (req.method !== "POST") return void res.end("{}");
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const input = JSON.parse(Buffer.concat(chunks).toString());
    const event = { id: "movie-" + input.movie_id + "-" + randomUUID(), type: "movie", timestamp: new Date().toISOString(), payload: input };
    const reply = (status, body) => res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    waiting.push({
      message: { key: String(input.movie_id), value: JSON.stringify(event), headers: { "event-id": event.id } },
      done: (placed) => reply(201, JSON.stringify({ status: "success", partition: placed.partition, offset: Number(placed.baseOffset), event })),
      fail: () => reply(503, "{}"),
    });
    void send();
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

/** Starts the floor endpoint on a free port; resolves with its port and a stop function. */
async function startFloor() {
  const port = await freePort();
  const child = spawn("node", ["--input-type=module", "-e", FLOOR_ENDPOINT], {
    env: { PATH: process.env.PATH, PORT: String(port), KAFKA_BROKERS: process.env.KAFKA_BROKERS },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/`);
  return { port, pid: child.pid, stop: () => stopChild(child) };
}

async function main() {
  // On PostgreSQL when DB_CONNECTION_STRING is set (npm run bench:events starts one), as the events
  // service runs in production: each consumed event's exactly-once bookkeeping (a select and an
  // insert) then costs a round trip, not WASM work on the thread that serves HTTP (PGlite).
  const db = process.env.DB_CONNECTION_STRING;
  const common = db ? { DB_CONNECTION_STRING: db, OUTBOX_RELAY: "false" } : { PGLITE_DATA_DIR: "memory://", OUTBOX_RELAY: "false" };
  const kafka = { ...common, KAFKA_BROKERS: process.env.KAFKA_BROKERS };
  console.log(`events processes on ${db ? "PostgreSQL" : "embedded PGlite"}`);
  // Each row has the machine to itself: its process starts just before it and stops after it (an
  // in-process log's backlog dies with it; a Kafka row's consumer group first catches up), so no
  // row pays for the consumer work of the one before.
  const targets = [
    ["in-process event log", "dist", common],
    ["Apache Kafka 3.9, acks=all, idempotent, batched", "dist", kafka],
  ];
  if (baselineDist) {
    // Kafka rows in the order A B B A: of two Kafka rows of the same build in one run, the later one
    // measured up to a fifth more in three runs of four (whichever build went first), so each build
    // gets an early and a late row, and a change is judged on its two rows against the other two.
    targets.push(
      [`in-process event log, baseline build (${baselineDist})`, baselineDist, common],
      [`Kafka, baseline build (${baselineDist})`, baselineDist, kafka],
      [`Kafka, baseline build (${baselineDist}), its second row`, baselineDist, kafka],
      ["Apache Kafka 3.9, acks=all, idempotent, batched, its second row", "dist", kafka],
    );
  }
  const admin = new Kafka({ clientId: "bench-events-lag", brokers: process.env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  // A broker started a moment ago runs its JVM cold: warm it with the kafkajs reference's load
  // first, so the Kafka rows measure the broker as it runs, not its JIT. On a topic of its own:
  // on movie-events the consumer group would have to dead-letter every one (they are not events).
  await admin.createTopics({ waitForLeaders: true, topics: ["bench-warm-up", "bench-floor"].map((topic) => ({ topic, numPartitions: 3 })) });
  await kafkajsAlone(5, "bench-warm-up");
  const load = () => loadavg()[0].toFixed(1);
  const loadAtStart = load();
  const rows = [];
  // A service whose consumer falls behind shows a better req/s than it can sustain: its consumer
  // works after the window. Each Kafka row says how far behind it was when the window closed.
  const lags = [];
  try {
    for (const [name, dist, env] of targets) {
      const events = await startEvents(dist, env);
      try {
        // Warm-up: connections, topic metadata, JIT; the broker's JVM takes tens of seconds of this
        // load to reach its pace (Kafka rows measured after 2 s ran at about 60 % of it).
        await drive(request(events.port), connections, env.KAFKA_BROKERS ? kafkaWarmUpSeconds : 2);
        rows.push({ name, ...(await driveMeasuringCpu(events.pid, request(events.port), connections, seconds)) });
        if (env.KAFKA_BROKERS) {
          const behind = await consumerLag(admin);
          const started = Date.now();
          const lag = await waitForConsumerGroup(admin);
          lags.push(`| ${name} | ${behind} | ${lag > 0 ? `still ${lag} behind after 3 minutes` : `${((Date.now() - started) / 1000).toFixed(1)} s`} |`);
        }
      } finally {
        await events.stop();
      }
    }
    const floor = await startFloor();
    try {
      await drive(request(floor.port), connections, kafkaWarmUpSeconds);
      rows.push({ name: "floor: node:http + kafkajs, same coalescing, no framework, no validation, no consumer (reference)", ...(await driveMeasuringCpu(floor.pid, request(floor.port), connections, seconds)) });
    } finally {
      await floor.stop();
    }
  } finally {
    await admin.disconnect();
  }
  rows.push({ name: "kafkajs alone, no HTTP, one message per send (reference)", result: await kafkajsAlone() });
  printTable(`POST /api/events/movie, ${connections} connections (${loadGenerator}), ${seconds} s per row, ${new Date().toISOString()}, load average ${loadAtStart} at the start, ${load()} at the end`, rows);
  console.log("\n| Kafka row | events its consumer group had not handled when the window closed | caught up after |");
  console.log("|---|---:|---:|");
  for (const line of lags) console.log(line);
}

try {
  await main();
} finally {
  await stopChildren();
}
