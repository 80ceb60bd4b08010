import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { decodeEvent, type Names, type TaskEvent } from "@taskjet/events";

/** An event as the stream holds it, with its sequence. */
export type StoredEvent = { seq: number; subject: string; time: string; event: TaskEvent };

/** Gets in flight at once: enough to read a 50,000-event stream in seconds. */
const READ_AHEAD = 64;

/**
 * Every event on the deployment's stream with its sequence, oldest first, read message by message from the
 * stream's leader; `undecodable` counts messages that are not events (they are not folded, but a checker should
 * see them). Not with a consumer: in a cluster with a node down, nats-server 2.9 can place an ephemeral consumer
 * on the dead peer, and then its creation times out (half the tries for as long as the node stays down).
 */
export async function readWholeStream(jsm: JetStreamManager, names: Names) {
  const { state } = await jsm.streams.info(names.stream);
  const read: (StoredMsg | null)[] = new Array(Math.max(0, state.last_seq - state.first_seq + 1)).fill(null);
  let next = 0;
  const reader = async () => {
    for (let i = next++; i < read.length; i = next++) {
      // null: a sequence that was deleted or aged out since the info.
      read[i] = await jsm.streams.getMessage(names.stream, { seq: state.first_seq + i });
    }
  };
  await Promise.all(Array.from({ length: READ_AHEAD }, reader));
  const events: StoredEvent[] = [];
  let undecodable = 0;
  for (const m of read) {
    if (m === null) continue;
    const d = decodeEvent(m.data);
    if (d.ok) events.push({ seq: m.seq, subject: m.subject, time: m.time.toISOString(), event: d.event });
    else undecodable++;
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
