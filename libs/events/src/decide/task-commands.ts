import { IllegalTransitionError, TaskNotFoundError } from "../errors.ts";
import type { EventOf, OnParentFailure, TaskSpec } from "../events.ts";
import type { CreatingEvent, TaskState } from "../state.ts";

/**
 * A client asks for a new task; `parents` (each as the stream has it, null when there is none) make it a
 * chained one. `onParentFailure` is given for a fan-in (`parentIds`), never for a single chain.
 */
export type CreateTask = {
  type: "CreateTask";
  taskId: string;
  spec: Omit<TaskSpec, "runAt">;
  /** When to run: at `runAt`, or `delaySeconds` from now; neither is now. */
  runAt?: string;
  delaySeconds?: number;
  parents?: readonly { id: string; state: TaskState | null }[];
  onParentFailure?: OnParentFailure;
  /** The API key the command came with, recorded in the event; absent with auth off. */
  issuedBy?: string | null;
};
export type CancelTask = { type: "CancelTask"; taskId: string; reason: string; issuedBy?: string | null };
export type RetryTask = { type: "RetryTask"; taskId: string; issuedBy?: string | null };

/** `issuedBy` as the event carries it: present only when a key issued the command. */
const issuer = (command: { issuedBy?: string | null }) => (command.issuedBy ? { issuedBy: command.issuedBy } : {});

export function existingTask(state: TaskState | null, taskId: string): TaskState {
  if (state === null) throw new TaskNotFoundError(taskId);
  return state;
}

/**
 * A new task, TaskSubmitted or, under parents, TaskChained. A parent of another tenant is not found; one that
 * failed or was cancelled will never produce output, so nothing can be chained onto it — unless a fan-in runs
 * on what succeeded (`continue`) and another parent may still produce some. Parents exist before their child,
 * so no chain can loop; its depth is one more than its deepest parent's.
 */
export function decideCreate(command: CreateTask, state: TaskState | null, now: Date): [CreatingEvent] {
  if (state !== null) throw new IllegalTransitionError("create", state.id, state.status);
  const { taskId, spec, parents = [], onParentFailure } = command;
  const base = {
    v: 1 as const,
    taskId,
    at: now.toISOString(),
    ...spec,
    runAt: runAtOf(command, now),
    ...issuer(command),
  };
  const [first] = parents;
  if (first === undefined) return [{ type: "TaskSubmitted", ...base }];
  const states = parents.map(({ id, state }) => {
    if (state?.tenant !== spec.tenant) throw new TaskNotFoundError(id);
    return state;
  });
  const live = states.filter((s) => s.status !== "cancelled" && s.status !== "failed");
  if (onParentFailure !== "continue" || live.length === 0) {
    for (const s of states) assertChainable(s, s.id);
  }
  const depth = 1 + Math.max(...states.map((s) => s.depth));
  const fanIn = onParentFailure === undefined ? {} : { parentIds: parents.map((p) => p.id), onParentFailure };
  return [{ type: "TaskChained", ...base, parentId: first.id, ...fanIn, depth }];
}

function runAtOf(command: CreateTask, now: Date): string | null {
  if (command.runAt !== undefined) return new Date(command.runAt).toISOString();
  if (command.delaySeconds !== undefined) return new Date(now.getTime() + command.delaySeconds * 1000).toISOString();
  return null;
}

/** A child can be chained onto a parent that will (or did) produce output, never onto a dead one. */
export function assertChainable(parent: TaskState | null, parentId: string): TaskState {
  const state = existingTask(parent, parentId);
  if (state.status === "cancelled" || state.status === "failed") {
    throw new IllegalTransitionError("chain onto", state.id, state.status);
  }
  return state;
}

/** Cancelling a cancelled task changes nothing and is no error; a finished task cannot be cancelled. */
export function decideCancel(
  command: CancelTask,
  current: TaskState | null,
  now: Date,
): [] | [EventOf<"TaskCancelled">] {
  const state = existingTask(current, command.taskId);
  if (state.status === "cancelled") return [];
  if (state.status === "completed" || state.status === "failed") {
    throw new IllegalTransitionError("cancel", state.id, state.status);
  }
  return [{ ...cancelled(state.id, command.reason, now), ...issuer(command) }];
}

export function cancelled(taskId: string, reason: string, now: Date): EventOf<"TaskCancelled"> {
  return { type: "TaskCancelled", v: 1, taskId, at: now.toISOString(), reason };
}

export function decideRetry(command: RetryTask, current: TaskState | null, now: Date): [EventOf<"TaskRetryRequested">] {
  const state = existingTask(current, command.taskId);
  if (state.status !== "failed") throw new IllegalTransitionError("retry", state.id, state.status);
  return [
    {
      type: "TaskRetryRequested",
      v: 1,
      taskId: state.id,
      at: now.toISOString(),
      gen: state.gen + 1,
      ...issuer(command),
    },
  ];
}
