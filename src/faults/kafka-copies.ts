import { Kafka, logLevel } from "kafkajs";
import { randomBytes } from "node:crypto";

/**
 * How many times each event id is on a topic: reads the whole topic, up to the end it has now,
 * as a group of its own, by the `event-id` header. The producer is idempotent, so a retried
 * publish must not show up twice.
 */
export async function kafkaCopies(brokers: string[], topic: string, ids: readonly string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: "fault-suite", brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
  const wanted = new Set(ids);
  const copies = new Map<string, number>();
  const reached = new Map([...ends].map(([partition, end]) => [partition, end === 0]));
  const consumer = kafka.consumer({ groupId: `fault-suite-${randomBytes(4).toString("hex")}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} not read to its end in ${timeoutMs} ms`)), timeoutMs);
      const done = () => [...reached.values()].every(Boolean) && (clearTimeout(timer), resolve());
      done();
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const id = message.headers?.["event-id"]?.toString();
          if (id && wanted.has(id)) copies.set(id, (copies.get(id) ?? 0) + 1);
          if (Number(message.offset) + 1 >= (ends.get(partition) ?? 0)) reached.set(partition, true);
          done();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return copies;
}
