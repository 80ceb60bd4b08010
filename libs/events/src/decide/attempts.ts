import type { EventOf, TaskError, Usage, WaitReason } from "../events.ts";

/**
 * One try of a queued task: its generation, its attempt number, and the work consumer's delivery that made it
 * (every try has its own, so their events' message ids differ). The executor decides from this and its work
 * item, never from a folded task: it has no history to fold.
 */
export type AttemptRef = { taskId: string; gen: number; attempt: number; delivery: number };

/** What an attempt produced and spent before it stopped. */
export type PartialOutput = { output: string | null; usage: Usage | null };

export type StartAttempt = { type: "StartAttempt"; attempt: AttemptRef; executorId: string };
/** What a finished call hands over: the reply and its cost, as TaskCompleted carries them. */
export type AttemptResult = Omit<
  EventOf<"TaskCompleted">,
  "type" | "v" | "taskId" | "at" | "gen" | "attempt" | "durationMs"
>;

export type CompleteAttempt = {
  type: "CompleteAttempt";
  attempt: AttemptRef;
  result: AttemptResult;
  durationMs: number;
};
/** A failed try; `retryInMs` null: no try follows, the task has failed. */
export type FailAttempt = {
  type: "FailAttempt";
  attempt: AttemptRef;
  error: TaskError;
  countsAsAttempt: boolean;
  retryInMs: number | null;
  partial: PartialOutput;
};
/** A try stopped by the task's cancellation: the cancel already ended the task, this keeps what it produced. */
export type AbortAttempt = { type: "AbortAttempt"; attempt: AttemptRef; partial: PartialOutput };

/**
 * A queued task an executor holds but cannot start yet: its lane or its tenant is at a limit. Burns no attempt;
 * the reason shows in the task's resource until it starts.
 */
export type WaitForLane = {
  type: "WaitForLane";
  taskId: string;
  gen: number;
  reason: WaitReason;
  lane: string;
  /** When the wait is expected to end, when known (a 429's reset). */
  until: Date | null;
};

export function decideWaitForLane(command: WaitForLane, now: Date): [EventOf<"TaskWaiting">] {
  const { taskId, gen, reason, lane, until } = command;
  const at = now.toISOString();
  return [{ type: "TaskWaiting", v: 1, taskId, at, gen, reason, lane, until: until?.toISOString() ?? null }];
}

export function decideStartAttempt(command: StartAttempt, now: Date): [EventOf<"TaskStarted">] {
  const { attempt, executorId } = command;
  return [{ type: "TaskStarted", v: 1, at: now.toISOString(), ...attempt, executorId }];
}

export function decideCompleteAttempt(command: CompleteAttempt, now: Date): [EventOf<"TaskCompleted">] {
  const { taskId, gen, attempt } = command.attempt;
  const at = now.toISOString();
  return [{ type: "TaskCompleted", v: 1, taskId, at, gen, attempt, ...command.result, durationMs: command.durationMs }];
}

export function decideFailAttempt(
  command: FailAttempt,
  now: Date,
): [EventOf<"TaskAttemptFailed">] | [EventOf<"TaskAttemptFailed">, EventOf<"TaskFailed">] {
  const { attempt, error, countsAsAttempt, retryInMs, partial } = command;
  const at = now.toISOString();
  const retryAt = retryInMs === null ? null : new Date(now.getTime() + retryInMs).toISOString();
  const failed = attemptFailed(
    attempt,
    at,
    { error, retryable: retryInMs !== null, countsAsAttempt, retryAt },
    partial,
  );
  if (retryInMs !== null) return [failed];
  const { taskId, gen } = attempt;
  return [failed, { type: "TaskFailed", v: 1, taskId, at, gen, attempts: attempt.attempt, error }];
}

export function decideAbortAttempt(command: AbortAttempt, now: Date): [EventOf<"TaskAttemptFailed">] {
  const verdict = {
    error: { code: "cancelled", message: "cancelled during the call" },
    retryable: false,
    countsAsAttempt: true,
    retryAt: null,
  };
  return [attemptFailed(command.attempt, now.toISOString(), verdict, command.partial)];
}

function attemptFailed(
  ref: AttemptRef,
  at: string,
  verdict: Pick<EventOf<"TaskAttemptFailed">, "error" | "retryable" | "countsAsAttempt" | "retryAt">,
  partial: PartialOutput,
): EventOf<"TaskAttemptFailed"> {
  return { type: "TaskAttemptFailed", v: 1, at, ...ref, ...verdict, output: partial.output, usage: partial.usage };
}
