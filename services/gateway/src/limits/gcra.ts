/**
 * A request-rate policy as a token bucket: `rate` requests per second on average, `burst` of them at once.
 * GCRA (the generic cell rate algorithm) keeps it in one number per bucket, the theoretical arrival time
 * (TAT): when the bucket would be full again. Pure: the time comes in as an argument.
 */
export type RatePolicy = { rate: number; burst: number };

export type GcraDecision = {
  allowed: boolean;
  /** The TAT to store when allowed (a refused request leaves the bucket as it was). */
  tat: number;
  /** Requests that would pass now, after this one. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** When refused: seconds until one request would pass. */
  retryAfterSeconds: number;
};

/** One request at `nowMs` against a bucket whose stored TAT is `tatMs` (0 for a bucket never used). */
export function gcra(tatMs: number, nowMs: number, policy: RatePolicy): GcraDecision {
  const interval = 1000 / policy.rate; // ms one request costs
  const tolerance = (policy.burst - 1) * interval; // how far ahead of now the TAT may run
  const tat = Math.max(tatMs, nowMs);
  const ahead = tat - nowMs;
  if (ahead > tolerance) {
    return {
      allowed: false,
      tat: tatMs,
      remaining: 0,
      resetSeconds: Math.ceil(ahead / 1000),
      retryAfterSeconds: Math.max(1, Math.ceil((ahead - tolerance) / 1000)),
    };
  }
  const next = tat + interval;
  return {
    allowed: true,
    tat: next,
    remaining: Math.max(0, Math.floor((tolerance - (next - nowMs)) / interval) + 1),
    resetSeconds: Math.ceil((next - nowMs) / 1000),
    retryAfterSeconds: 0,
  };
}

/** The policy for a configured rate: a burst of 0 means one second's worth (at least one request). */
export function ratePolicy(rate: number, burst: number): RatePolicy {
  return { rate, burst: burst > 0 ? burst : Math.max(1, Math.ceil(rate)) };
}

/** The window, in seconds, a `RateLimit-Policy` names: the time a full burst takes to refill. */
export const policyWindowSeconds = (p: RatePolicy) => Math.max(1, Math.ceil(p.burst / p.rate));
