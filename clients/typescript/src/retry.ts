// When a call is tried again: only calls that cannot do anything twice (GET, HEAD, and requests carrying an
// Idempotency-Key, which the gateway answers with the task the key made), only on answers that mean "not now"
// (429, 503) or no answer at all, a bounded number of times, never sooner than the API's Retry-After, and never
// when the API asks for a longer wait than the caller is willing to spend (the error then says how long).
import { parseRetryAfter } from "./errors.ts";

export type RetryPolicy = {
  /** Tries after the first one; 0 turns retrying off. Default 3. */
  retries: number;
  /** The first backoff; each later one doubles, with full jitter. Default 250 ms. */
  baseDelayMs: number;
  /** No single wait is longer: a Retry-After beyond it is not waited for, the error goes to the caller. Default 30 s. */
  maxDelayMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 30_000 };

/** What happened on one try: an answer's status and Retry-After, or no answer (the network failed). */
export type Outcome = { status: number; retryAfter: string | null } | { networkError: true };

/** Statuses worth another try of an idempotent call. */
const RETRYABLE = new Set([429, 503]);

/** Whether a request may safely be sent twice. */
export function isIdempotent(method: string, headers: { has(name: string): boolean }): boolean {
  const m = method.toUpperCase();
  return m === "GET" || m === "HEAD" || headers.has("idempotency-key");
}

/**
 * How long to wait before try `attempt + 1` (`attempt` counts from 1), or null for "do not try again".
 * `random` is in [0, 1): full jitter over the exponential step, raised to Retry-After when the API gave one.
 */
export function retryDelay(
  outcome: Outcome,
  attempt: number,
  idempotent: boolean,
  policy: RetryPolicy,
  now: number,
  random: () => number,
): number | null {
  if (!idempotent || attempt > policy.retries) return null;
  if ("status" in outcome && !RETRYABLE.has(outcome.status)) return null;
  const asked = "status" in outcome ? parseRetryAfter(outcome.retryAfter, now) : null;
  if (asked !== null && asked > policy.maxDelayMs) return null;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(asked ?? 0, Math.floor(random() * step));
}

const sleep = (ms: number, signal: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });

/**
 * A fetch that tries an idempotent request again as `retryDelay` says. `idempotent` overrides the rule by
 * method and header (a batch whose every item carries a key is safe to send again). An abort is never retried.
 */
export function retryingFetch(
  fetchOnce: (request: Request) => Promise<Response>,
  policy: RetryPolicy,
  idempotent?: boolean,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const safe = idempotent ?? isIdempotent(request.method, request.headers);
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      let response: Response | undefined;
      try {
        response = await fetchOnce(safe ? request.clone() : request);
        outcome = { status: response.status, retryAfter: response.headers.get("retry-after") };
      } catch (err) {
        if (request.signal.aborted) throw err;
        outcome = { networkError: true };
        const delay = retryDelay(outcome, attempt, safe, policy, Date.now(), Math.random);
        if (delay === null) throw err;
        await sleep(delay, request.signal);
        continue;
      }
      const delay = retryDelay(outcome, attempt, safe, policy, Date.now(), Math.random);
      if (delay === null) return response;
      await response.body?.cancel();
      await sleep(delay, request.signal);
    }
  };
}
