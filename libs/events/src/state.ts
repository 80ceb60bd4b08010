import { z } from "zod";
import { assertNever } from "./envelope.ts";
import {
  type EventOf,
  ModelInput,
  OnParentFailure,
  Priority,
  TaskError,
  type TaskEvent,
  Usage,
  WaitReason,
} from "./events.ts";
import { BodyRef, OutputBlock, REQUEST_OPTION_KEYS, RequestOptions } from "./model-request.ts";
import { ACTIVE_STATUSES, isTerminal, TASK_STATUSES, type TaskStatus } from "./status.ts";
import { TaskWebhook } from "./webhooks.ts";

/**
 * A task as its events say it is: what the read model stores, what the gateway serves and what the
 * projector's notices carry (so a gateway can check a notice it hears).
 */
export const TaskState = z.object({
  id: z.uuid(),
  status: z.enum(TASK_STATUSES),
  tenant: z.string(),
  idempotencyKey: z.string().nullable(),
  parentId: z.uuid().nullable(),
  /** Every task it runs on, in order (`parentId` first); empty for a task of its own. */
  // Defaults: a version announced by a projector from before fan-in still reads (a rolling upgrade).
  parentIds: z.array(z.uuid()).default([]),
  onParentFailure: OnParentFailure.default("cascade"),
  /** How many generations of parents are above it: 0 without any. */
  depth: z.number().int().nonnegative().default(0),
  /** The schedule that fired it, and the tick it fired for; null for a task submitted otherwise. */
  scheduleId: z.uuid().nullable().default(null),
  scheduledFor: z.string().nullable().default(null),
  prompt: z.string(),
  system: ModelInput.shape.system,
  model: z.string(),
  maxTokens: z.number(),
  temperature: z.number().nullable(),
  /** The rest of the Messages API request, as the task gave it (absent fields: not given). */
  ...RequestOptions.shape,
  runAt: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  priority: Priority,
  /** The task's own webhook; null for none (and in versions announced before webhooks existed). */
  webhook: TaskWebhook.nullable().default(null),
  /** Why a queued task is not running yet (its lane's limits, its tenant's), or null. */
  waiting: z
    .object({ reason: WaitReason, lane: z.string(), since: z.string(), until: z.string().nullable() })
    .nullable(),
  maxAttempts: z.number(),
  timeoutMs: z.number(),
  /** The queue generation: 1 from creation, +1 for every manual retry; older generations' events are stale. */
  gen: z.number(),
  attempts: z.number(),
  output: z.string().nullable(),
  /** Every block of the reply, when it had more than one text block (else `output` says it all). */
  content: z.array(OutputBlock).nullable(),
  /** The reply is in the object store (claim check): `output` and `content` are there, not here. */
  outputRef: BodyRef.nullable(),
  error: TaskError.nullable(),
  usage: Usage.nullable(),
  /** What every attempt of the task cost together, by the price table. */
  costUsd: z.number(),
  /** Completed from the result cache, without a call. */
  cached: z.boolean(),
  stopReason: z.string().nullable(),
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type TaskState = z.infer<typeof TaskState>;

/** Where a task may be when each event arrives; an event anywhere else is a no-op. */
const ACCEPTS: { [T in TaskEvent["type"]]: ReadonlySet<TaskStatus> } = {
  TaskSubmitted: new Set(),
  TaskChained: new Set(),
  TaskScheduled: new Set(["submitted"]),
  TaskAwaitingParent: new Set(["submitted", "scheduled"]),
  TaskQueued: new Set(["submitted", "scheduled", "awaiting_parent"]),
  TaskWaiting: new Set(["queued", "retrying"]),
  TaskStarted: new Set(["queued", "running", "retrying"]),
  TaskAttemptFailed: new Set(["queued", "running", "retrying", "cancelled"]),
  TaskCompleted: new Set(["queued", "running", "retrying"]),
  TaskFailed: new Set(["queued", "running", "retrying"]),
  TaskCancelled: new Set(ACTIVE_STATUSES),
  TaskRetryRequested: new Set(["failed"]),
};

/**
 * The one state machine. Pure: the same events always fold to the same state, so the projector, the
 * scheduler, the gateway's stream fallback and a rebuild all agree. An event that does not apply (a
 * duplicate, a stale generation, anything after the first terminal event, an event for an unknown task)
 * returns the state unchanged — the caller can tell by identity.
 */
export function evolve(state: TaskState | null, event: TaskEvent): TaskState | null {
  if (event.type === "TaskSubmitted" || event.type === "TaskChained") {
    return state ?? created(event);
  }
  if (state === null || state.id !== event.taskId) return state;
  if (!ACCEPTS[event.type].has(state.status)) return state;
  const expectedGen = event.type === "TaskRetryRequested" ? state.gen + 1 : state.gen;
  if ("gen" in event && event.gen !== expectedGen) return state; // a stale or out-of-order generation
  const at = event.at;
  switch (event.type) {
    case "TaskScheduled":
      return { ...state, status: "scheduled", runAt: event.runAt, updatedAt: at };
    case "TaskAwaitingParent":
      return { ...state, status: "awaiting_parent", updatedAt: at };
    case "TaskQueued": {
      // The input as it runs: a chained task's rendered on its parent's output (perhaps claim-checked anew).
      const { messages: _m, inputRef: _r, ...rest } = state;
      const { prompt, system, messages, inputRef } = event.input;
      return { ...rest, status: "queued", prompt, system, ...definedOptions({ messages, inputRef }), updatedAt: at };
    }
    case "TaskWaiting":
      return {
        ...state,
        waiting: { reason: event.reason, lane: event.lane, since: state.waiting?.since ?? at, until: event.until },
        updatedAt: at,
      };
    case "TaskStarted":
      return {
        ...state,
        status: "running",
        waiting: null,
        attempts: Math.max(state.attempts, event.attempt),
        startedAt: state.startedAt ?? at,
        updatedAt: at,
      };
    case "TaskAttemptFailed":
      if (state.status === "cancelled") {
        // The aborted attempt of a cancelled task: keep what it produced and spent, nothing else.
        return {
          ...state,
          output: event.output ?? state.output,
          usage: event.usage ?? state.usage,
          costUsd: state.costUsd + (event.costUsd ?? 0),
          updatedAt: at,
        };
      }
      return {
        ...state,
        status: event.retryable ? "retrying" : state.status,
        attempts: Math.max(state.attempts, event.attempt),
        error: event.error,
        output: event.output ?? state.output,
        usage: event.usage ?? state.usage,
        costUsd: state.costUsd + (event.costUsd ?? 0),
        updatedAt: at,
      };
    case "TaskCompleted":
      return {
        ...state,
        status: "completed",
        waiting: null,
        attempts: Math.max(state.attempts, event.attempt),
        output: event.output,
        content: event.content ?? null,
        outputRef: event.outputRef ?? null,
        model: event.model,
        stopReason: event.stopReason,
        usage: event.usage,
        costUsd: state.costUsd + (event.costUsd ?? 0),
        cached: event.cached ?? false,
        error: null,
        updatedAt: at,
        finishedAt: at,
      };
    case "TaskFailed":
      return {
        ...state,
        status: "failed",
        waiting: null,
        attempts: Math.max(state.attempts, event.attempts),
        error: event.error,
        updatedAt: at,
        finishedAt: at,
      };
    case "TaskCancelled":
      return {
        ...state,
        status: "cancelled",
        waiting: null,
        cancelReason: event.reason,
        updatedAt: at,
        finishedAt: at,
      };
    case "TaskRetryRequested":
      return { ...state, status: "submitted", gen: event.gen, finishedAt: null, updatedAt: at };
    default:
      return assertNever(event);
  }
}

/** Folds a task's history, oldest first. */
export function foldEvents(events: readonly TaskEvent[], initial: TaskState | null = null): TaskState | null {
  return events.reduce<TaskState | null>(evolve, initial);
}

/** The event that brings a task into being; nothing of a task precedes it. */
export type CreatingEvent = EventOf<"TaskSubmitted"> | EventOf<"TaskChained">;

/** A task as its creating event makes it: the first state of every fold. */
export function created(event: CreatingEvent): TaskState {
  return {
    id: event.taskId,
    status: "submitted",
    tenant: event.tenant,
    idempotencyKey: event.idempotencyKey,
    ...lineage(event),
    scheduleId: event.scheduleId ?? null,
    scheduledFor: event.scheduledFor ?? null,
    prompt: event.prompt,
    system: event.system,
    model: event.model,
    maxTokens: event.maxTokens,
    temperature: event.temperature,
    ...definedOptions(event),
    runAt: event.runAt,
    metadata: event.metadata,
    priority: event.priority,
    webhook: event.webhook ?? null,
    waiting: null,
    maxAttempts: event.maxAttempts,
    timeoutMs: event.timeoutMs,
    gen: 1,
    attempts: 0,
    output: null,
    content: null,
    outputRef: null,
    error: null,
    usage: null,
    costUsd: 0,
    cached: false,
    stopReason: null,
    cancelReason: null,
    createdAt: event.at,
    updatedAt: event.at,
    startedAt: null,
    finishedAt: null,
  };
}

function lineage(event: CreatingEvent): Pick<TaskState, "parentId" | "parentIds" | "onParentFailure" | "depth"> {
  if (event.type === "TaskSubmitted") return { parentId: null, parentIds: [], onParentFailure: "cascade", depth: 0 };
  return {
    parentId: event.parentId,
    parentIds: event.parentIds ?? [event.parentId],
    onParentFailure: event.onParentFailure ?? "cascade",
    depth: event.depth ?? 1,
  };
}

/** The request options a value holds, without the absent ones (a simple task's state carries none). */
export function definedOptions(from: Partial<RequestOptions>): RequestOptions {
  const out: Record<string, unknown> = {};
  for (const key of REQUEST_OPTION_KEYS) if (from[key] !== undefined) out[key] = from[key];
  return out as RequestOptions;
}

export { isTerminal };
