import type { JetStreamClient, JetStreamManager, PubAck, StoredMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import {
  type CreatingEvent,
  decodeEvent,
  EVENT_TYPES,
  encodeEvent,
  foldEvents,
  type Names,
  type Subjects,
  type TaskEvent,
  type TaskEventType,
  type TaskState,
} from "@taskjet/events";
import { injectTrace } from "./trace-messages.ts";

/** Where a message stands in the stream. */
type Position = { seq: number; subject: string; time: string };
/** A sequenced event as the stream holds it. */
export type StoredEvent = Position & { event: TaskEvent };
/** A stream message read as an event, or why it is not one (a reader logs and skips it, or sets it aside). */
export type StoredEntry = StoredEvent | (Position & { undecodable: string });

/**
 * Publishes with the deterministic message id, so a retried publish is a no-op inside the window, and with the
 * active trace context (`traceparent`, `tracestate`) when tracing is on, so its consumers join the same trace.
 */
export async function publishEvent(
  js: JetStreamClient,
  subjects: Subjects,
  event: TaskEvent,
  traceparent?: string,
): Promise<PubAck> {
  const enc = encodeEvent(subjects, event, traceparent);
  const h = natsHeaders();
  for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
  if (traceparent === undefined) injectTrace(h);
  return js.publish(enc.subject, enc.data, { msgID: enc.msgId, headers: h });
}

/** Publishes what a decision came to, in order: a later event may depend on an earlier one being stored. */
export async function publishEvents(js: JetStreamClient, subjects: Subjects, events: readonly TaskEvent[]) {
  for (const event of events) await publishEvent(js, subjects, event);
}

export type OutageRetry = { withinMs: number; signal: AbortSignal; onRetry: (err: unknown, inMs: number) => void };

/**
 * Runs `work` (a publish, say) again through a NATS outage (a server restart, a leader election) for up to
 * `withinMs`, after a growing pause, so that what an expensive call produced is not thrown away — and the call
 * made again — for a moment's unavailability. Repeated publishes are harmless: the message ids dedupe them
 * (keep `withinMs` inside the stream's duplicate window). Gives up at once when `signal` aborts.
 */
export async function retryThroughOutage<T>(work: () => Promise<T>, opts: OutageRetry): Promise<T> {
  const deadline = performance.now() + opts.withinMs;
  for (let waitMs = 100; ; waitMs = Math.min(waitMs * 2, 2000)) {
    try {
      return await work();
    } catch (err) {
      if (opts.signal.aborted || performance.now() + waitMs > deadline) throw err;
      opts.onRetry(err, waitMs);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** What every stream message (a direct get's StoredMsg, a consumer's JsMsg) carries. */
type RawMessage = Pick<StoredMsg, "data" | "seq" | "subject" | "time">;

/** The one way to read an event out of a stream message: it never throws. */
export function decodeStored(m: RawMessage): StoredEntry {
  const at = { seq: m.seq, subject: m.subject, time: m.time.toISOString() };
  const d = decodeEvent(m.data);
  return d.ok ? { ...at, event: d.event } : { ...at, undecodable: d.reason };
}

function stored(m: RawMessage): StoredEvent | null {
  const entry = decodeStored(m);
  return "event" in entry ? entry : null;
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

const CREATING = ["TaskSubmitted", "TaskChained"] as const satisfies readonly CreatingEvent["type"][];
const isCreating = (type: TaskEventType) => (CREATING as readonly TaskEventType[]).includes(type);

/** Of the messages that could have created a task, the one that did: nothing of a task precedes it. */
function earliest<M extends { seq: number }>(messages: readonly (M | null)[]): M | null {
  return messages.reduce<M | null>((a, b) => (a === null || (b !== null && b.seq < a.seq) ? b : a), null);
}

/** The event that created a task (TaskSubmitted or TaskChained), with two direct gets; null when there is none. */
export async function findCreation(
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
): Promise<(StoredEvent & { event: CreatingEvent }) | null> {
  return earliest(await Promise.all(CREATING.map((type) => lastEvent(jsm, names, subjects, taskId, type))));
}

/** How many events a history read returns at most, unless told otherwise. */
export const HISTORY_MAX_EVENTS = 1000;

/** Part of a task's history, oldest first; `truncated` when more events follow the last one given. */
export type TaskHistory = {
  /** The event that created the task (TaskSubmitted or TaskChained), or null when the stream has no such task. */
  created: StoredEvent | null;
  events: StoredEvent[];
  truncated: boolean;
};

/** One event kind of one task: its next message to merge, and the last one the stream held when the read began. */
type KindCursor = { subject: string; lastSeq: number; next: RawMessage };

/**
 * A task's history read with direct gets only, so the server keeps nothing once it has answered (an ordered
 * consumer per read lingers for minutes, and its wildcard filter makes the server decode every message from
 * the task's first event to the end of the stream). First one `last_by_subj` per event kind, all at once: a
 * kind the task lacks is a miss in the server's subject index, and each hit says where that kind ends. Then
 * each kind present is walked with `next_by_subj` on its own literal subject — the server skips blocks that
 * do not hold it — from the creating event (nothing of a task precedes it; `afterSeq` starts later) up to
 * that last sequence, never beyond, and the kinds are merged by stream sequence. At most `maxEvents` events
 * are read (plus two gets per kind), so a read costs what it returns.
 */
export async function readTaskHistory(
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
  opts: { maxEvents?: number; afterSeq?: number } = {},
): Promise<TaskHistory> {
  const maxEvents = opts.maxEvents ?? HISTORY_MAX_EVENTS;
  const nextOf = (subject: string, seq: number): Promise<RawMessage | null> =>
    jsm.direct.getMessage(names.stream, { seq, next_by_subj: subject });
  const kinds = await Promise.all(
    EVENT_TYPES.map(async (type) => {
      const subject = subjects.event(taskId, type);
      const last = await jsm.direct.getMessage(names.stream, { last_by_subj: subject });
      return last ? { type, subject, last } : null;
    }),
  );
  const present = kinds.filter((k) => k !== null);
  const first = earliest(present.filter((k) => isCreating(k.type)).map((k) => k.last));
  if (!first) return { created: null, events: [], truncated: false };
  const from = Math.max(first.seq, (opts.afterSeq ?? 0) + 1);
  const cursors: KindCursor[] = [];
  await Promise.all(
    present.map(async ({ subject, last }) => {
      if (last.seq < from) return;
      const next = last.seq === from ? last : await nextOf(subject, from);
      if (next && next.seq <= last.seq) cursors.push({ subject, lastSeq: last.seq, next });
    }),
  );
  const events: StoredEvent[] = [];
  for (let read = 0; read < maxEvents && cursors.length > 0; read++) {
    const c = cursors.reduce((a, b) => (b.next.seq < a.next.seq ? b : a));
    const s = stored(c.next);
    if (s) events.push(s);
    const next = c.next.seq < c.lastSeq ? await nextOf(c.subject, c.next.seq + 1) : null;
    if (next && next.seq <= c.lastSeq) c.next = next;
    else cursors.splice(cursors.indexOf(c), 1);
  }
  return { created: stored(first), events, truncated: cursors.length > 0 };
}

/**
 * A task's whole history, oldest first, without a consumer (see `readTaskHistory`). No bound: for services
 * that fold the task; what answers a client reads with `readTaskHistory` and its limit.
 */
export async function readHistory(
  _js: JetStreamClient,
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
): Promise<StoredEvent[]> {
  return (await readTaskHistory(jsm, names, subjects, taskId, { maxEvents: Infinity })).events;
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

/** Events a history purge reads of one task at most: a longer history stays (and the purge says so). */
const PURGE_MAX_EVENTS = 10_000;

/**
 * Deletes every event of a finished task from the stream, if none is past `upToSeq` (the last one its read
 * model row folded): "moved_on" when one is (a command came after the row — the task keeps its history) or the
 * history is too long to read whole. Message by message, by sequence: a subject-filtered purge scans the whole
 * stream on nats-server 2.9 (8,000 tasks' purges outlasted the request timeout; these stay ~1,300 tasks/s at
 * 80,000 events). The creating event goes last, so a purge cut short is found again and finished.
 */
export async function deleteTaskHistory(
  jsm: JetStreamManager,
  names: Names,
  subjects: Subjects,
  taskId: string,
  upToSeq: number,
): Promise<"deleted" | "moved_on"> {
  const history = await readTaskHistory(jsm, names, subjects, taskId, { maxEvents: PURGE_MAX_EVENTS });
  if (history.truncated || history.events.some((e) => e.seq > upToSeq)) return "moved_on";
  const creating = history.created?.seq;
  const rest = history.events.filter((e) => e.seq !== creating);
  await Promise.all(rest.map((e) => jsm.streams.deleteMessage(names.stream, e.seq, false)));
  if (creating !== undefined) await jsm.streams.deleteMessage(names.stream, creating, false);
  return "deleted";
}
