import { topicOf, type DomainEvent } from "../../contracts/domain-event.ts";
import type { Database } from "../db/database.ts";
import { outboxMessages } from "./outbox.tables.ts";

export interface OutboxMessage {
  topic: string;
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** Records a message for the relay; call it inside the transaction that writes the row it announces. */
export async function appendToOutbox(tx: Pick<Database, "insert">, message: OutboxMessage): Promise<void> {
  await tx.insert(outboxMessages).values({ topic: message.topic, key: message.key, value: message.value, headers: message.headers ?? {} });
}

/** Records a domain event for its type's topic, keyed by the entity id; inside the row's transaction. */
export async function appendEvent(tx: Pick<Database, "insert">, event: DomainEvent, key: number): Promise<void> {
  await appendToOutbox(tx, { topic: topicOf[event.type], key: String(key), value: JSON.stringify(event), headers: { "event-id": event.id } });
}
