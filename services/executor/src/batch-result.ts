import { decide, type PartialOutput, type TaskEvent } from "@taskjet/events";
import { type AfterOutcome, type AttemptState, afterOutcome, type OutcomePolicy } from "./after-outcome.ts";
import type { Outcome } from "./outcome.ts";
import { type BatchOutcome, ProviderError } from "./providers/provider.ts";

/**
 * What a batch result means for its task: the events to publish, and whether the task goes round again — into a
 * later batch, after `retryInMs` — or is settled (null). `missing`: the batch ended without a result for it.
 */
export type AfterBatchResult = { events: TaskEvent[]; retryInMs: number | null };

/** What the stream says of the task when its result is read: a cancelled task's result changes nothing. */
export type TaskFacts = { cancelled: boolean };

/** An errored request's error type as the HTTP status a call failing that way would have had. */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const NO_OUTPUT: PartialOutput = { output: null, usage: null };

/**
 * The same decisions as a streamed call's (`afterOutcome`), for a result read from a batch: a success completes
 * the task (priced at the batch discount; an output that misses its schema is retried like any), an errored
 * request is classified by its error type as the call would have been and retried by the task's policy,
 * `expired` and `canceled` (a batch cancelled by someone else) fail it — not retried: the same request would
 * meet the same fate. A task already cancelled only keeps what its request cost.
 */
export function afterBatchResult(
  outcome: BatchOutcome | { kind: "missing"; batchId: string },
  attempt: AttemptState,
  task: TaskFacts,
  now: Date,
  policy: OutcomePolicy,
): AfterBatchResult {
  const batched: AttemptState = { ...attempt, batch: true };
  if (task.cancelled) {
    if (outcome.kind !== "succeeded") return { events: [], retryInMs: null };
    const partial = { output: null, usage: outcome.result.usage };
    return settled(afterOutcome({ kind: "cancelled", partial }, batched, now, policy));
  }
  switch (outcome.kind) {
    case "succeeded":
      return settled(afterOutcome({ kind: "completed", result: outcome.result }, batched, now, policy));
    case "errored": {
      const status = STATUS_OF_TYPE[outcome.type] ?? 500;
      const error = new ProviderError(outcome.message, { kind: "http", status, type: outcome.type });
      return settled(afterOutcome({ kind: "failed", error }, batched, now, policy));
    }
    case "missing": {
      const message = `batch ${outcome.batchId} ended without a result for this request`;
      const error = new ProviderError(message, { kind: "connection" });
      return settled(afterOutcome({ kind: "failed", error } satisfies Outcome, batched, now, policy));
    }
    case "expired":
      return final(attempt, "batch_expired", "the batch expired before this request was processed", now);
    case "canceled":
      return final(attempt, "batch_canceled", "the batch was cancelled before this request was processed", now);
    default:
      return outcome satisfies never;
  }
}

/** A call's verdict as a batch item's fate: a `nak` (or a lane pause) is a retry after that long, the rest settle it. */
function settled(after: AfterOutcome): AfterBatchResult {
  const { events, verdict, pauseLaneMs } = after;
  if (pauseLaneMs !== null) return { events, retryInMs: pauseLaneMs };
  return { events, retryInMs: "nak" in verdict ? verdict.nak : null };
}

function final(attempt: AttemptState, code: string, message: string, now: Date): AfterBatchResult {
  const command = {
    ...{ type: "FailAttempt" as const, attempt: attempt.ref, error: { code, message }, countsAsAttempt: true },
    ...{ retryInMs: null, partial: NO_OUTPUT, fallback: attempt.fallback ?? null },
  };
  return { events: decide(command, null, now), retryInMs: null };
}
