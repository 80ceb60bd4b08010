import {
  type AttemptRef,
  assertNever,
  decide,
  type EventOf,
  type PartialOutput,
  type TaskEvent,
} from "@taskjet/events";
import { ACK, type Verdict } from "@taskjet/runtime";
import { type Classified, classifyFailure } from "./classify.ts";
import type { Outcome } from "./outcome.ts";
import { afterFailure, type RetryPolicy } from "./retry-policy.ts";

/** The try an outcome belongs to: its work item, its number, and when the call began. */
export type AttemptState = { queued: EventOf<"TaskQueued">; ref: AttemptRef; startedAt: Date };

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
export function afterOutcome(outcome: Outcome, attempt: AttemptState, now: Date, policy: RetryPolicy): AfterOutcome {
  const { queued, ref } = attempt;
  switch (outcome.kind) {
    case "completed": {
      const { output, content, model, stopReason, usage } = outcome.result;
      const durationMs = Math.max(0, now.getTime() - attempt.startedAt.getTime());
      // A reply of one text block is said in full by `output`: the event carries no copy of it.
      const plain = content.length === 1 && content[0]?.type === "text";
      const result = { output, ...(plain ? {} : { content }), model, stopReason, usage };
      const events = decide({ type: "CompleteAttempt", attempt: ref, result, durationMs }, null, now);
      return { events, verdict: ACK, pauseLaneMs: null };
    }
    case "cancelled":
      return {
        events: decide({ type: "AbortAttempt", attempt: ref, partial: outcome.partial }, null, now),
        verdict: ACK,
        pauseLaneMs: null,
      };
    case "handed-back":
      return { events: [], verdict: { nak: 0 }, pauseLaneMs: null };
    case "timed-out": {
      const message = `no answer within ${queued.timeoutMs} ms`;
      return failed({ code: "timeout", message, retryable: true, retryAfterMs: null }, outcome.partial);
    }
    case "failed": {
      const { error } = outcome;
      return failed(classifyFailure(error, now), { output: error.partialOutput || null, usage: error.usage });
    }
    default:
      return assertNever(outcome);
  }

  function failed(failure: Classified, partial: PartialOutput): AfterOutcome {
    const { random } = policy; // picked: a whole deps object also carries a clock named `now`
    const { countsAsAttempt, retryInMs } = afterFailure({ failure, attempt: ref.attempt, queued, random });
    const error = { code: failure.code, message: failure.message };
    const events = decide({ type: "FailAttempt", attempt: ref, error, countsAsAttempt, retryInMs, partial }, null, now);
    if (failure.code === "rate_limited" && retryInMs !== null) {
      return { events, verdict: { nak: Math.round(random() * REQUEUE_JITTER_MS) }, pauseLaneMs: retryInMs };
    }
    const verdict: Verdict = retryInMs === null ? { term: `failed: ${failure.code}` } : { nak: retryInMs };
    return { events, verdict, pauseLaneMs: null };
  }
}
