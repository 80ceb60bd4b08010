import type { JetStreamClient } from "@nats-io/jetstream";
import type { Names, TaskEvent } from "@taskjet/events";
import { decodeStored } from "@taskjet/runtime";

/**
 * Every event on the stream matching a subject filter (e.g. `subjects.ofType("TaskQueued")`), oldest first.
 * For tests and the benchmark: it reads with an ordered consumer, deleted as soon as it is done.
 */
export async function readAllEvents(js: JetStreamClient, names: Names, filter: string): Promise<TaskEvent[]> {
  const consumer = await js.consumers.get(names.stream, { filter_subjects: filter });
  const out: TaskEvent[] = [];
  try {
    if ((await consumer.info(true)).num_pending === 0) return out;
    const messages = await consumer.consume({ max_messages: 1000 });
    try {
      for await (const m of messages) {
        const entry = decodeStored(m);
        if ("event" in entry) out.push(entry.event);
        if (m.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
    return out;
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
