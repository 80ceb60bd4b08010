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
};

/** How long a lane pauses after a 429 that said nothing of when to come back. */
export const DEFAULT_RATE_LIMIT_PAUSE_MS = 1000;

/**
 * What follows a failed attempt. A rate limit never spends an attempt and is never the end of a task: it pauses
 * the lane (admission holds the task until the pause ends), so `retryInMs` is the pause the provider asked for.
 * Any other retryable failure counts, and is retried with backoff until the generation's attempts run out.
 */
export function afterFailure(
  opts: { failure: Classified; attempt: number; queued: EventOf<"TaskQueued"> } & RetryPolicy,
): AfterFailure {
  const { failure, attempt, queued } = opts;
  if (failure.code === "rate_limited") {
    return { countsAsAttempt: false, retryInMs: failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS };
  }
  const attemptsInGen = attempt - queued.attemptsBefore;
  if (!failure.retryable || attemptsInGen >= queued.maxAttempts) return { countsAsAttempt: true, retryInMs: null };
  return { countsAsAttempt: true, retryInMs: retryDelayMs(attemptsInGen, failure.retryAfterMs, opts.random) };
}
