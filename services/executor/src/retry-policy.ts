import type { EventOf, FallbackModel } from "@taskjet/events";
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

/**
 * The model a delivery calls: the task's own (null), or a fallback — the one the last failure moved to, or the
 * fallback that failure was already on.
 */
export function attemptModel(
  queued: EventOf<"TaskQueued">,
  lastFailure: EventOf<"TaskAttemptFailed"> | null,
  attempt: number,
): FallbackModel | null {
  if (lastFailure === null || lastFailure.gen !== queued.gen) return null;
  if (lastFailure.nextModel !== undefined) return { model: lastFailure.nextModel, since: attempt };
  if (lastFailure.model === undefined || lastFailure.modelSince === undefined) return null;
  return { model: lastFailure.model, since: lastFailure.modelSince };
}

/** `nextModel`: the model is given up (overloaded or unavailable after its retries); the next try calls this one. */
export type AfterFailure = { countsAsAttempt: boolean; retryInMs: number | null; nextModel?: string };

/** Failures that say the model, not the request, is the trouble: worth a fallback model. */
const MODEL_TROUBLE = new Set(["overloaded", "server_error", "not_found"]);

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
  opts: {
    failure: Classified;
    attempt: number;
    queued: EventOf<"TaskQueued">;
    /** The fallback model this attempt called, null on the task's own. */
    fallback?: FallbackModel | null;
  } & RetryPolicy,
): AfterFailure {
  const { failure, attempt, queued, fallback = null } = opts;
  if (failure.code === "rate_limited") {
    return { countsAsAttempt: false, retryInMs: failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS };
  }
  // Each model has the task's maxAttempts: counted from the attempt it began with.
  const attemptsOnModel = attempt - (fallback?.since ?? queued.attemptsBefore + 1) + 1;
  const spent = !failure.retryable || attemptsOnModel >= queued.maxAttempts;
  const next = nextModel(queued, fallback);
  if (next !== null && MODEL_TROUBLE.has(failure.code) && (spent || failure.code === "not_found")) {
    return { countsAsAttempt: true, retryInMs: retryDelayMs(1, failure.retryAfterMs, opts.random), nextModel: next };
  }
  if (spent) return { countsAsAttempt: true, retryInMs: null };
  return { countsAsAttempt: true, retryInMs: retryDelayMs(attemptsOnModel, failure.retryAfterMs, opts.random) };
}

/** The model after the one an attempt called, in the order the task gave: its own, then `fallbackModels`. */
function nextModel(queued: EventOf<"TaskQueued">, fallback: FallbackModel | null): string | null {
  const chain = [queued.input.model, ...(queued.input.fallbackModels ?? [])];
  const at = chain.indexOf(fallback?.model ?? queued.input.model);
  return chain[at + 1] ?? null;
}
