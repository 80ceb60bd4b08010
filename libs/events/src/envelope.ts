import { z } from "zod";
import { EVENT_TYPES, TaskEvent, type TaskEventType } from "./events.ts";
import type { Subjects } from "./subjects.ts";

export const HEADER_MSG_ID = "Nats-Msg-Id";
export const HEADER_EVENT = "Task-Event";
export const HEADER_TRACEPARENT = "traceparent";

/**
 * The deterministic message id of an event: a publish retried after a crash carries the same id and is
 * dropped by the stream's duplicate window. Events that can happen once per task need no more than the kind;
 * the rest are told apart by their queue generation and attempt.
 */
export function msgIdOf(event: TaskEvent): string {
  const id = event.taskId;
  switch (event.type) {
    case "TaskSubmitted":
      return `${id}:submitted`;
    case "TaskChained":
      return `${id}:chained`;
    case "TaskCancelled":
      return `${id}:cancelled`;
    case "TaskScheduled":
      return `${id}:scheduled`;
    case "TaskAwaitingParent":
      return `${id}:awaiting-parent`;
    case "TaskCompleted":
      return `${id}:completed`;
    case "TaskRetryRequested":
      return `${id}:retry-requested:${event.gen}`;
    case "TaskQueued":
      return `${id}:queued:${event.gen}`;
    case "TaskWaiting":
      // A task may wait for the same reason more than once: its time tells the waits apart, and a retried
      // publish of one wait carries the same time.
      return `${id}:waiting:${event.gen}:${event.reason}:${event.at}`;
    case "TaskFailed":
      return `${id}:failed:${event.gen}`;
    case "TaskStarted":
      return `${id}:started:${event.gen}:${event.attempt}:${event.delivery}`;
    case "TaskBatched":
      return `${id}:batched:${event.gen}:${event.attempt}:${event.delivery}`;
    case "TaskAttemptFailed":
      return `${id}:attempt-failed:${event.gen}:${event.attempt}:${event.delivery}`;
    default:
      return assertNever(event);
  }
}

export type Encoded = {
  subject: string;
  data: Uint8Array;
  msgId: string;
  headers: Record<string, string>;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Validates and serialises an event; a malformed event never reaches the stream. */
export function encodeEvent(subjects: Subjects, event: TaskEvent, traceparent?: string): Encoded {
  const valid = TaskEvent.parse(event);
  const msgId = msgIdOf(valid);
  const headers: Record<string, string> = { [HEADER_MSG_ID]: msgId, [HEADER_EVENT]: valid.type };
  if (traceparent) headers[HEADER_TRACEPARENT] = traceparent;
  return {
    subject: subjects.event(valid.taskId, valid.type),
    data: encoder.encode(JSON.stringify(valid)),
    msgId,
    headers,
  };
}

export type Decoded = { ok: true; event: TaskEvent } | { ok: false; reason: string };

/** A message's bytes as JSON, or why they are not. */
export function parseJson(data: Uint8Array): { ok: true; json: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, json: JSON.parse(decoder.decode(data)) };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
}

/** Never throws: a consumer logs and skips what it cannot read rather than stall the stream. */
export function decodeEvent(data: Uint8Array): Decoded {
  const parsed = parseJson(data);
  if (!parsed.ok) return parsed;
  const { json } = parsed;
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !EVENT_TYPES.includes(type as TaskEventType)) {
    return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  }
  const event = TaskEvent.safeParse(json);
  if (!event.success) return { ok: false, reason: `invalid ${type}: ${z.prettifyError(event.error)}` };
  return { ok: true, event: event.data };
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
