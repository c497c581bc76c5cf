import { describe, expect, it } from "vitest";
import { ChainBroken, PublishBatcher, PublishChain, PublishExpired, PublishTimedOut, type Outgoing } from "./publish-batcher.ts";

const message = (n: number, value = `v${n}`): Outgoing => ({ topic: "t", key: String(n % 3), value, headers: {} });

/** A send that records its batches and is acknowledged when the test says so. */
function manualSend() {
  const batches: Outgoing[][] = [];
  const acks: Array<() => void> = [];
  const send = (batch: readonly Outgoing[]) =>
    new Promise<PromiseSettledResult<string>[]>((resolve) => {
      batches.push([...batch]);
      acks.push(() => resolve(batch.map((m) => ({ status: "fulfilled", value: `ack ${m.value}` }))));
    });
  return { batches, acks, send };
}

describe("PublishBatcher", () => {
  it("sends what arrives during a send as the next batch, and answers each caller with its own acknowledgement", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 1, maxMessages: 100, maxBytes: 1e6 });
    const first = batcher.publish(message(0));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toHaveLength(1);
    const rest = Array.from({ length: 10 }, (_, i) => batcher.publish(message(i + 1)));
    let settled = 0;
    for (const p of rest) void p.then(() => settled++);
    expect(batches).toHaveLength(1);
    acks[0]!();
    expect(await first).toBe("ack v0");
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toHaveLength(2);
    expect(batches[1]!.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i + 1}`));
    expect(settled).toBe(0); // nobody hears before the broker acknowledged
    acks[1]!();
    expect(await Promise.all(rest)).toEqual(Array.from({ length: 10 }, (_, i) => `ack v${i + 1}`));
  });

  it("with no linger, sends the publishes of one event-loop turn together, without waiting for a timer", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 0, maxMessages: 100, maxBytes: 1e6 });
    const sent = Array.from({ length: 3 }, (_, i) => batcher.publish(message(i)));
    expect(batches).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(batches.map((b) => b.map((m) => m.value))).toEqual([["v0", "v1", "v2"]]);
    acks[0]!();
    expect(await Promise.all(sent)).toEqual(["ack v0", "ack v1", "ack v2"]);
  });

  it("never sends a message whose caller's deadline passed while it waited for its turn", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 1, maxMessages: 100, maxBytes: 1e6 });
    const first = batcher.publish(message(0));
    await new Promise((r) => setTimeout(r, 10));
    const late = batcher.publish(message(1), performance.now() + 5);
    late.catch(() => {}); // rejected at its deadline, before the assertion below looks
    const patient = batcher.publish(message(2), performance.now() + 60_000);
    await new Promise((r) => setTimeout(r, 20));
    acks[0]!();
    await first;
    await expect(late).rejects.toBeInstanceOf(PublishExpired);
    await new Promise((r) => setTimeout(r, 0));
    expect(batches[1]!.map((m) => m.value)).toEqual(["v2"]);
    acks[1]!();
    expect(await patient).toBe("ack v2");
  });

  it("answers each caller at its deadline, while its message waits or is in flight, and drops an acknowledgement that comes later", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 0, maxMessages: 100, maxBytes: 1e6 });
    const started = performance.now();
    const inFlight = batcher.publish(message(0), started + 20);
    const patient = batcher.publish(message(1), started + 60_000);
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1);
    const queued = batcher.publish(message(2), started + 30);
    const outcomes = [inFlight, queued, patient].map((p) => p.then((v) => ({ v, at: performance.now() - started }), (e: unknown) => ({ e, at: performance.now() - started })));
    const [first, second] = await Promise.all(outcomes.slice(0, 2));
    // Told when the deadline came, not when the broker answered (it has not yet).
    expect(first).toMatchObject({ e: expect.any(PublishTimedOut) });
    expect(second).toMatchObject({ e: expect.any(PublishExpired) });
    expect(first!.at).toBeLessThan(1_000);
    acks[0]!();
    expect(await outcomes[2]).toMatchObject({ v: "ack v1" });
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1); // the expired one was never sent
  });

  it("keeps batches within the message and byte limits, in publish order", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 1, maxMessages: 4, maxBytes: 400 });
    const all = Array.from({ length: 11 }, (_, i) => batcher.publish(message(i, "x".repeat(i === 5 ? 1000 : 10))));
    const done = Promise.all(all);
    let finished = false;
    void done.then(() => (finished = true));
    for (let i = 0, acked = 0; i < 50 && !finished; i++) {
      await new Promise((r) => setTimeout(r, 5));
      while (acked < acks.length) acks[acked++]!();
    }
    await done;
    expect(batches.flat().map((m) => m.value.length)).toEqual(Array.from({ length: 11 }, (_, i) => (i === 5 ? 1000 : 10)));
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(4);
      const bytes = batch.reduce((n, m) => n + m.key.length + m.value.length + 64, 0);
      if (batch.length > 1) expect(bytes).toBeLessThanOrEqual(400);
    }
  });

  it("fails only the message the send failed, and every message of a batch that failed whole", async () => {
    let call = 0;
    const batcher = new PublishBatcher<string>(
      async (batch) => {
        if (call++ === 0) throw new Error("broker away");
        return batch.map((m) => (m.value === "bad" ? { status: "rejected", reason: new Error("refused") } : { status: "fulfilled", value: m.value }));
      },
      { lingerMs: 1, maxMessages: 10, maxBytes: 1e6 },
    );
    await expect(Promise.all([batcher.publish(message(1)), batcher.publish(message(2))])).rejects.toThrow("broker away");
    const outcomes = await Promise.allSettled([batcher.publish(message(3, "ok")), batcher.publish(message(4, "bad"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected"]);
  });

  it("sends none of a chain after its first failure, while other callers' messages go on", async () => {
    let call = 0;
    const batches: string[][] = [];
    const batcher = new PublishBatcher<string>(
      async (batch) => {
        batches.push(batch.map((m) => m.value));
        if (call++ === 0) throw new Error("broker away");
        return batch.map((m) => ({ status: "fulfilled", value: m.value }));
      },
      { lingerMs: 1, maxMessages: 2, maxBytes: 1e6 },
    );
    const chain = new PublishChain();
    const chained = ["c1", "c2", "c3", "c4"].map((v, i) => batcher.publish({ ...message(i, v), chain }));
    const other = batcher.publish(message(9, "other"));
    const outcomes = await Promise.allSettled([...chained, other]);
    // c1 and c2 went together and failed; c3 and c4 waited for the next send and were dropped unsent.
    expect(batches).toEqual([["c1", "c2"], ["other"]]);
    expect(outcomes.map((o) => (o.status === "fulfilled" ? o.value : (o.reason as Error).constructor.name))).toEqual(["Error", "Error", ChainBroken.name, ChainBroken.name, "other"]);
  });

  it("breaks a chain at a message that expired in the queue, so none after it goes", async () => {
    const { batches, acks, send } = manualSend();
    const batcher = new PublishBatcher(send, { lingerMs: 1, maxMessages: 100, maxBytes: 1e6 });
    const first = batcher.publish(message(0));
    await new Promise((r) => setTimeout(r, 10));
    const chain = new PublishChain();
    const late = batcher.publish({ ...message(1), chain }, performance.now() + 5);
    const after = batcher.publish({ ...message(2), chain }, performance.now() + 60_000);
    for (const p of [late, after]) p.catch(() => {}); // rejected at the deadline, before the assertions look
    await new Promise((r) => setTimeout(r, 20));
    acks[0]!();
    await first;
    await expect(late).rejects.toBeInstanceOf(PublishExpired);
    await expect(after).rejects.toBeInstanceOf(ChainBroken);
    expect(batches).toHaveLength(1);
  });
});
