import { IllegalTransitionError, TaskNotFoundError } from "./errors.ts";
import type { EventOf, TaskEvent } from "./events.ts";
import type { TaskState } from "./state.ts";

/** What a command decided: the events to publish, none when it is an idempotent no-op. */
export type Decision = TaskEvent[];

export type CancelTask = { type: "CancelTask"; taskId: string; reason: string; now: Date };
export type RetryTask = { type: "RetryTask"; taskId: string; now: Date };

function existing(state: TaskState | null, taskId: string): TaskState {
  if (state === null) throw new TaskNotFoundError(taskId);
  return state;
}

/** Cancelling a cancelled task changes nothing and is no error; a finished task cannot be cancelled. */
export function decideCancel(command: CancelTask, current: TaskState | null): Decision {
  const state = existing(current, command.taskId);
  if (state.status === "cancelled") return [];
  if (state.status === "completed" || state.status === "failed") {
    throw new IllegalTransitionError("cancel", state.id, state.status);
  }
  return [{ type: "TaskCancelled", v: 1, taskId: state.id, at: command.now.toISOString(), reason: command.reason }];
}

export function decideRetry(command: RetryTask, current: TaskState | null): Decision {
  const state = existing(current, command.taskId);
  if (state.status !== "failed") throw new IllegalTransitionError("retry", state.id, state.status);
  return [{ type: "TaskRetryRequested", v: 1, taskId: state.id, at: command.now.toISOString(), gen: state.gen + 1 }];
}

/** A child can be chained onto a parent that will (or did) produce output, never onto a dead one. */
export function assertChainable(parent: TaskState | null, parentId: string): TaskState {
  const state = existing(parent, parentId);
  if (state.status === "cancelled" || state.status === "failed") {
    throw new IllegalTransitionError("chain onto", state.id, state.status);
  }
  return state;
}

/**
 * When a new task may run: at `runAt` if that is still ahead, else now. The caller fills in the prompt a
 * chained task resolves to; everything else comes from the task.
 */
export function decideStart(
  state: TaskState,
  now: Date,
  prompt: string = state.prompt,
): EventOf<"TaskScheduled"> | EventOf<"TaskQueued"> {
  const at = now.toISOString();
  if (state.runAt !== null && Date.parse(state.runAt) > now.getTime()) {
    return { type: "TaskScheduled", v: 1, taskId: state.id, at, runAt: state.runAt };
  }
  return queued(state, now, prompt);
}

export function queued(state: TaskState, now: Date, prompt: string = state.prompt): EventOf<"TaskQueued"> {
  return {
    type: "TaskQueued",
    v: 1,
    taskId: state.id,
    at: now.toISOString(),
    gen: state.gen,
    input: {
      prompt,
      system: state.system,
      model: state.model,
      maxTokens: state.maxTokens,
      temperature: state.temperature,
    },
    maxAttempts: state.maxAttempts,
    timeoutMs: state.timeoutMs,
    attemptsBefore: state.attempts,
  };
}
