import type { BusConfig } from "../../config/config.ts";
import type { Logger } from "../logging/logger.ts";
import type { EventBus } from "./event-bus.ts";
import { InProcessEventBus } from "./in-process-event-bus.ts";
import { KafkaEventBus } from "./kafka-event-bus.ts";

/** The bus the configuration names: Kafka when KAFKA_BROKERS is set, else the in-process log. */
export function openEventBus(config: BusConfig, clientId: string, log: Logger): EventBus {
  return config.kind === "kafka"
    ? new KafkaEventBus({ brokers: config.brokers, clientId, partitions: config.partitions, publishTimeoutMs: config.publishTimeoutMs, lingerMs: config.lingerMs }, log)
    : new InProcessEventBus();
}
