import type { JetStreamClient, JetStreamManager, PubAck, StoredMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import {
  decodeEvent,
  encodeEvent,
  foldEvents,
  type Names,
  type Subjects,
  type TaskEvent,
  type TaskEventType,
  type TaskState,
} from "@taskjet/events";

/** A sequenced event as the stream holds it. */
export type StoredEvent = { seq: number; subject: string; time: string; event: TaskEvent };

/** Publishes with the deterministic message id, so a retried publish is a no-op inside the window. */
export async function publishEvent(
  js: JetStreamClient,
  subjects: Subjects,
  event: TaskEvent,
  traceparent?: string,
): Promise<PubAck> {
  const enc = encodeEvent(subjects, event, traceparent);
  const h = natsHeaders();
  for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
  return js.publish(enc.subject, enc.data, { msgID: enc.msgId, headers: h });
}

type RawMessage = Pick<StoredMsg, "data" | "seq" | "subject" | "time">;

function stored(m: RawMessage): StoredEvent | null {
  const d = decodeEvent(m.data);
  return d.ok ? { seq: m.seq, subject: m.subject, time: m.time.toISOString(), event: d.event } : null;
}

/** The last event of one kind for one task: one direct get, no scan, no database. */
export async function lastEvent<T extends TaskEventType>(
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
  type: T,
): Promise<(StoredEvent & { event: Extract<TaskEvent, { type: T }> }) | null> {
  const m = await jsm.direct.getMessage(names.stream, { last_by_subj: subjects.event(taskId, type) });
  if (!m) return null;
  const s = stored(m);
  return s && s.event.type === type ? (s as StoredEvent & { event: Extract<TaskEvent, { type: T }> }) : null;
}

/**
 * A task's whole history, read with an ordered consumer on `tasks.<id>.>`. Two direct gets first tell an
 * unknown task apart at once, instead of waiting for an empty fetch to expire.
 */
export async function readHistory(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
): Promise<StoredEvent[]> {
  const [submitted, chained] = await Promise.all([
    lastEvent(jsm, names, subjects, taskId, "TaskSubmitted"),
    lastEvent(jsm, names, subjects, taskId, "TaskChained"),
  ]);
  if (!submitted && !chained) return [];
  // Nothing of a task precedes its creating event: starting there spares the server a scan of older blocks.
  const consumer = await js.consumers.get(names.stream, {
    filter_subjects: subjects.task(taskId),
    opt_start_seq: Math.min(submitted?.seq ?? Infinity, chained?.seq ?? Infinity),
  });
  const out: StoredEvent[] = [];
  const messages = await consumer.consume({ max_messages: 256 });
  try {
    for await (const m of messages) {
      const s = stored(m);
      if (s) out.push(s);
      if (m.info.pending === 0) break;
    }
  } finally {
    await messages.close();
  }
  return out;
}

/** The task as the stream says it is — what the gateway answers with while the projector catches up. */
export async function loadTaskFromStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
): Promise<TaskState | null> {
  const history = await readHistory(js, jsm, names, subjects, taskId);
  return foldEvents(history.map((h) => h.event));
}

/** Every event on the stream matching a subject filter (e.g. `subjects.ofType("TaskQueued")`), oldest first. */
export async function readAllEvents(js: JetStreamClient, names: Names, filter: string): Promise<TaskEvent[]> {
  const consumer = await js.consumers.get(names.stream, { filter_subjects: filter });
  const out: TaskEvent[] = [];
  if ((await consumer.info()).num_pending === 0) return out;
  const messages = await consumer.consume({ max_messages: 1000 });
  for await (const m of messages) {
    const d = decodeEvent(m.data);
    if (d.ok) out.push(d.event);
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return out;
}
