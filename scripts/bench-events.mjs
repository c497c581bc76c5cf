#!/usr/bin/env node
// POST /api/events/movie on the events service bundle, side by side in one run: with the
// in-process event log (no broker: the baseline), and with the real Kafka broker named by
// KAFKA_BROKERS (idempotent producer, acks from all in-sync replicas).
//
//   npm run bench:events          (starts a broker with scripts/kafka.sh; BENCH_SECONDS=10, BENCH_CONNECTIONS=20)
import { freePort, measure, printTable, startBundle, stopChildren } from "./bench-support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
if (!process.env.KAFKA_BROKERS) {
  console.error("KAFKA_BROKERS is not set: run it as `npm run bench:events`, which starts a broker");
  process.exit(2);
}

const body = JSON.stringify({ movie_id: 42, title: "Inception", action: "viewed", user_id: 7, rating: 8.5, genres: ["Sci-Fi", "Action"] });
const request = (port) => ({ url: `http://127.0.0.1:${port}/api/events/movie`, method: "POST", body, headers: { "content-type": "application/json" } });

async function main() {
  const [embeddedPort, kafkaPort] = await Promise.all([freePort(), freePort()]);
  const common = { PGLITE_DATA_DIR: "memory://", OUTBOX_RELAY: "false" };
  await startBundle("events", embeddedPort, { ...common }, "/api/events/health");
  await startBundle("events", kafkaPort, { ...common, KAFKA_BROKERS: process.env.KAFKA_BROKERS }, "/api/events/health");
  const rows = [];
  for (const [name, port] of [["in-process event log (baseline)", embeddedPort], ["Apache Kafka 3.9, acks=all, idempotent", kafkaPort]]) {
    await measure(request(port), connections, 2); // warm-up: connections, topic metadata, JIT
    rows.push({ name, result: await measure(request(port), connections, seconds) });
  }
  printTable(`POST /api/events/movie, ${connections} connections, ${seconds} s per row, ${new Date().toISOString()}`, rows);
}

try {
  await main();
} finally {
  await stopChildren();
}
