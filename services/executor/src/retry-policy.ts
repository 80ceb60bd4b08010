import type { EventOf } from "@taskjet/events";
import { type Classified, retryDelayMs } from "./classify.ts";

/**
 * The attempt a delivery of a queued task makes. Attempts go on from the last failure of this generation:
 * +1 after a failure that counted, the same number after a provider-imposed wait (a rate limit). A delivery
 * after a crash, with no failure recorded, repeats the attempt the crash interrupted.
 */
export function attemptNumber(queued: EventOf<"TaskQueued">, lastFailure: EventOf<"TaskAttemptFailed"> | null): number {
  if (lastFailure === null || lastFailure.gen !== queued.gen) return queued.attemptsBefore + 1;
  return lastFailure.attempt + (lastFailure.countsAsAttempt ? 1 : 0);
}

export type AfterFailure = { countsAsAttempt: boolean; retryInMs: number | null };

export type RetryPolicy = {
  /** The jitter's source: [0, 1). */
  random: () => number;
  /** How long a task may wait out rate limits before those waits count as attempts. */
  rateLimitBudgetMs: number;
};

/**
 * What follows a failed attempt. A rate limit is waited out without spending an attempt while the task has
 * waited less than `rateLimitBudgetMs` since it was queued; past that, it counts like any retryable failure.
 */
export function afterFailure(
  opts: { failure: Classified; attempt: number; queued: EventOf<"TaskQueued">; now: Date } & RetryPolicy,
): AfterFailure {
  const { failure, attempt, queued } = opts;
  const waited = opts.now.getTime() - Date.parse(queued.at);
  const countsAsAttempt = !(failure.code === "rate_limited" && waited < opts.rateLimitBudgetMs);
  const attemptsInGen = attempt - queued.attemptsBefore;
  const exhausted = countsAsAttempt && attemptsInGen >= queued.maxAttempts;
  if (!failure.retryable || exhausted) return { countsAsAttempt, retryInMs: null };
  return { countsAsAttempt, retryInMs: retryDelayMs(attemptsInGen, failure.retryAfterMs, opts.random) };
}
