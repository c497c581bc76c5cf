import { randomBytes } from "node:crypto";
import { loadConfig } from "../config/config.ts";
import { moduleRegistry } from "../modules/registry.ts";
import { createLogger } from "../adapters/logging/logger.ts";
import type { EventBus } from "../adapters/bus/event-bus.ts";
import { openEventBus } from "../adapters/bus/open-event-bus.ts";

/** The bus of the test tier: the real broker named by KAFKA_BROKERS (CI), else the in-process log. */
export function openTestBus(): EventBus {
  return openEventBus(loadConfig(process.env, moduleRegistry).bus, `test-${randomBytes(3).toString("hex")}`, createLogger("silent"));
}

/** A name no other test uses, so suites sharing one broker never see each other's messages. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** Polls until the check passes or the time is up; returns the last value. */
export async function eventually<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}
