import type { EventOf, TaskError, Usage, WaitReason } from "../events.ts";

/**
 * One try of a queued task: its generation, its attempt number, and the work consumer's delivery that made it
 * (every try has its own, so their events' message ids differ). The executor decides from this and its work
 * item, never from a folded task: it has no history to fold.
 */
export type AttemptRef = { taskId: string; gen: number; attempt: number; delivery: number };

/** What an attempt produced and spent before it stopped. */
export type PartialOutput = { output: string | null; usage: Usage | null };

/**
 * The model a try calls when it is not the task's own (a fallback): `model`, and the attempt of this generation
 * it began with, so each model gets its own retries.
 */
export type FallbackModel = { model: string; since: number };

export type StartAttempt = {
  type: "StartAttempt";
  attempt: AttemptRef;
  executorId: string;
  fallback?: FallbackModel | null;
};
/** A batch-mode try went out in the provider's Message Batch `batchId`: it runs until the batch's result for it. */
export type BatchAttempt = {
  type: "BatchAttempt";
  attempt: AttemptRef;
  executorId: string;
  batchId: string;
  fallback?: FallbackModel | null;
};

export function decideBatchAttempt(command: BatchAttempt, now: Date): [EventOf<"TaskBatched">] {
  const { attempt, executorId, batchId, fallback } = command;
  return [{ type: "TaskBatched", v: 1, at: now.toISOString(), ...attempt, executorId, batchId, ...modelOf(fallback) }];
}

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
/**
 * A failed try; `retryInMs` null: no try follows, the task has failed. `nextModel`: the model is given up and the
 * next try calls this one.
 */
export type FailAttempt = {
  type: "FailAttempt";
  attempt: AttemptRef;
  error: TaskError;
  countsAsAttempt: boolean;
  retryInMs: number | null;
  partial: PartialOutput;
  costUsd?: number | undefined;
  fallback?: FallbackModel | null;
  nextModel?: string | null;
};
/** A try stopped by the task's cancellation: the cancel already ended the task, this keeps what it produced. */
export type AbortAttempt = {
  type: "AbortAttempt";
  attempt: AttemptRef;
  partial: PartialOutput;
  costUsd?: number | undefined;
};

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
  const { attempt, executorId, fallback } = command;
  return [{ type: "TaskStarted", v: 1, at: now.toISOString(), ...attempt, executorId, ...modelOf(fallback) }];
}

/** The fields an attempt's events record of a fallback model: none while it calls the task's own. */
const modelOf = (fallback: FallbackModel | null | undefined) => (fallback ? { model: fallback.model } : {});

export function decideCompleteAttempt(command: CompleteAttempt, now: Date): [EventOf<"TaskCompleted">] {
  const { taskId, gen, attempt } = command.attempt;
  const at = now.toISOString();
  return [{ type: "TaskCompleted", v: 1, taskId, at, gen, attempt, ...command.result, durationMs: command.durationMs }];
}

export function decideFailAttempt(
  command: FailAttempt,
  now: Date,
): [EventOf<"TaskAttemptFailed">] | [EventOf<"TaskAttemptFailed">, EventOf<"TaskFailed">] {
  const { attempt, error, countsAsAttempt, retryInMs, fallback, nextModel } = command;
  const at = now.toISOString();
  const retryAt = retryInMs === null ? null : new Date(now.getTime() + retryInMs).toISOString();
  const failed = {
    ...attemptFailed(attempt, at, { error, retryable: retryInMs !== null, countsAsAttempt, retryAt }, command),
    ...(fallback ? { model: fallback.model, modelSince: fallback.since } : {}),
    ...(nextModel ? { nextModel } : {}),
  };
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
  return [attemptFailed(command.attempt, now.toISOString(), verdict, command)];
}

function attemptFailed(
  ref: AttemptRef,
  at: string,
  verdict: Pick<EventOf<"TaskAttemptFailed">, "error" | "retryable" | "countsAsAttempt" | "retryAt">,
  { partial, costUsd }: { partial: PartialOutput; costUsd?: number | undefined },
): EventOf<"TaskAttemptFailed"> {
  const cost = costUsd === undefined ? {} : { costUsd };
  return {
    type: "TaskAttemptFailed",
    v: 1,
    at,
    ...ref,
    ...verdict,
    output: partial.output,
    usage: partial.usage,
    ...cost,
  };
}
