import {
  type AttemptRef,
  assertNever,
  decide,
  type EventOf,
  type FallbackModel,
  type PartialOutput,
  type TaskEvent,
  type Usage,
} from "@taskjet/events";
import { ACK, type Verdict } from "@taskjet/runtime";
import { type Classified, classifyFailure, classifyReply } from "./classify.ts";
import type { Outcome } from "./outcome.ts";
import { afterFailure, type RetryPolicy } from "./retry-policy.ts";

/** The try an outcome belongs to: its work item, its number, when the call began, and its fallback model if any. */
export type AttemptState = {
  queued: EventOf<"TaskQueued">;
  ref: AttemptRef;
  startedAt: Date;
  fallback?: FallbackModel | null;
};

/** What a call cost by the price table; undefined for a model it does not know (or a call that used nothing). */
export type PriceOf = (model: string, usage: Usage) => number | undefined;

export type OutcomePolicy = RetryPolicy & { price?: PriceOf };

/**
 * `pauseLaneMs`: a 429 — the whole lane pauses this long (the shell writes it to the lane's budget before the
 * verdict, so the redelivered task finds the lane paused and admission holds it).
 */
export type AfterOutcome = { events: TaskEvent[]; verdict: Verdict; pauseLaneMs: number | null };

/**
 * A task that hit a 429 goes back to the stream at once, give or take this jitter: it is not waiting in a nak
 * but held by admission, which releases it when the lane's pause ends, spread over the window.
 */
const REQUEUE_JITTER_MS = 250;

/**
 * What follows a call: the events to publish and what becomes of the work item. A retryable failure is a
 * TaskAttemptFailed and a `nak(delay)`; the last one adds TaskFailed and a `term`; a cancelled call keeps what
 * it produced and publishes nothing that would undo the cancel; a call handed back on shutdown publishes
 * nothing and goes straight back to the stream.
 */
export function afterOutcome(outcome: Outcome, attempt: AttemptState, now: Date, policy: OutcomePolicy): AfterOutcome {
  const { queued, ref, fallback = null } = attempt;
  const calledModel = fallback?.model ?? queued.input.model;
  const costOf = (usage: Usage | null, model = calledModel) => (usage ? policy.price?.(model, usage) : undefined);
  switch (outcome.kind) {
    case "completed": {
      const { output, content, model, stopReason, usage } = outcome.result;
      const costUsd = costOf(usage, model);
      // With outputSchema: a refusal fails at once, a final reply that does not match is retried.
      const invalid = classifyReply({ output, stopReason }, queued.input.outputSchema);
      if (invalid !== null) return failed(invalid, { output, usage }, costUsd);
      const durationMs = Math.max(0, now.getTime() - attempt.startedAt.getTime());
      // A reply of one text block is said in full by `output`: the event carries no copy of it.
      const plain = content.length === 1 && content[0]?.type === "text";
      const result = {
        ...{ output, ...(plain ? {} : { content }), model, stopReason, usage },
        ...(costUsd === undefined ? {} : { costUsd }),
      };
      const events = decide({ type: "CompleteAttempt", attempt: ref, result, durationMs }, null, now);
      return { events, verdict: ACK, pauseLaneMs: null };
    }
    case "cancelled": {
      const { partial } = outcome;
      const command = { type: "AbortAttempt" as const, attempt: ref, partial, costUsd: costOf(partial.usage) };
      return { events: decide(command, null, now), verdict: ACK, pauseLaneMs: null };
    }
    case "handed-back":
      return { events: [], verdict: { nak: 0 }, pauseLaneMs: null };
    case "timed-out": {
      const message = `no answer within ${queued.timeoutMs} ms`;
      const { partial } = outcome;
      return failed({ code: "timeout", message, retryable: true, retryAfterMs: null }, partial, costOf(partial.usage));
    }
    case "failed": {
      const { error } = outcome;
      const partial = { output: error.partialOutput || null, usage: error.usage };
      return failed(classifyFailure(error, now), partial, costOf(error.usage));
    }
    default:
      return assertNever(outcome);
  }

  function failed(failure: Classified, partial: PartialOutput, costUsd: number | undefined): AfterOutcome {
    const { random } = policy; // picked: a whole deps object also carries a clock named `now`
    const { countsAsAttempt, retryInMs, nextModel } = afterFailure({
      ...{ failure, attempt: ref.attempt, queued, fallback, random },
    });
    const error = { code: failure.code, message: failure.message };
    const command = {
      ...{ type: "FailAttempt" as const, attempt: ref, error, countsAsAttempt, retryInMs, partial, costUsd },
      ...{ fallback, nextModel: nextModel ?? null },
    };
    const events = decide(command, null, now);
    if (failure.code === "rate_limited" && retryInMs !== null) {
      return { events, verdict: { nak: Math.round(random() * REQUEUE_JITTER_MS) }, pauseLaneMs: retryInMs };
    }
    const verdict: Verdict = retryInMs === null ? { term: `failed: ${failure.code}` } : { nak: retryInMs };
    return { events, verdict, pauseLaneMs: null };
  }
}
