import type { JetStreamClient } from "@nats-io/jetstream";
import { decodeEvent, type Names, type TaskEvent } from "@taskjet/events";

/** An event as the stream holds it, with its sequence. */
export type StoredEvent = { seq: number; subject: string; time: string; event: TaskEvent };

/**
 * Every event on the deployment's stream with its sequence, oldest first, read with an ordered consumer;
 * `undecodable` counts messages that are not events (they are not folded, but a checker should see them).
 */
export async function readWholeStream(js: JetStreamClient, names: Names, filter: string) {
  const consumer = await js.consumers.get(names.stream, { filter_subjects: filter });
  const events: StoredEvent[] = [];
  let undecodable = 0;
  if ((await consumer.info()).num_pending === 0) return { events, undecodable };
  const messages = await consumer.consume({ max_messages: 2000 });
  try {
    for await (const m of messages) {
      const d = decodeEvent(m.data);
      if (d.ok) events.push({ seq: m.seq, subject: m.subject, time: m.time.toISOString(), event: d.event });
      else undecodable++;
      if (m.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
  return { events, undecodable };
}

/** Events grouped by task, each group oldest first. */
export function byTask(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const out = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = out.get(e.event.taskId);
    if (list) list.push(e);
    else out.set(e.event.taskId, [e]);
  }
  return out;
}
