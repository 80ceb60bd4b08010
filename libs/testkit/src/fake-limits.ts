/**
 * Rate limits as Anthropic enforces them, for the fake Messages API: one token bucket per dimension (requests,
 * input tokens, output tokens), holding at most `limit` and refilled continuously at `limit` per window — not a
 * counter that resets on the minute. Pure: every call takes the time (ms since the epoch) as an argument.
 */
export type FakeLimits = {
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** What the limits are counted over: a minute at Anthropic; tests compress it. */
  windowMs?: number;
};

export const LIMIT_DIMENSIONS = ["requests", "inputTokens", "outputTokens"] as const;
export type LimitDimension = (typeof LIMIT_DIMENSIONS)[number];
export type Cost = Record<LimitDimension, number>;

/** The `anthropic-ratelimit-<name>-limit|remaining|reset` family of each dimension. */
const HEADER_NAME: Record<LimitDimension, string> = {
  requests: "requests",
  inputTokens: "input-tokens",
  outputTokens: "output-tokens",
};

export type Admission =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; limitedBy: LimitDimension; retryAfterSeconds: number; headers: Record<string, string> };

type Bucket = { capacity: number; level: number; at: number };

/** Estimated tokens of a text, as the fake counts them: a quarter of its characters, rounded up. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** How much of `limit` per `windowMs` a run of `ms` may use at most: the full bucket at the start, plus refill. */
export function allowedOver(limit: number, windowMs: number, ms: number): number {
  return limit + (limit * Math.max(0, ms)) / windowMs;
}

/** RFC 3339 to the second, as Anthropic writes its resets, rounded up so the moment has surely come. */
const rfc3339 = (ms: number) => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

export function tokenBuckets(limits: FakeLimits, start: number) {
  const windowMs = limits.windowMs ?? 60_000;
  const buckets = new Map<LimitDimension, Bucket>();
  for (const d of LIMIT_DIMENSIONS) {
    const limit = limits[d];
    if (limit !== undefined) buckets.set(d, { capacity: limit, level: limit, at: start });
  }
  const rate = (b: Bucket) => b.capacity / windowMs; // units per ms
  const refill = (now: number) => {
    for (const b of buckets.values()) {
      if (now <= b.at) continue;
      b.level = Math.min(b.capacity, b.level + (now - b.at) * rate(b));
      b.at = now;
    }
  };
  /** A cost larger than the whole bucket passes once the bucket is full (and leaves it in debt). */
  const needed = (b: Bucket, cost: number) => Math.min(cost, b.capacity);

  /** Every configured family, as the API sends it on every reply; `tokens-*` is the more restrictive of the two. */
  const headers = (now: number, override: Partial<Record<LimitDimension, { remaining: number; reset: number }>>) => {
    const out: Record<string, string> = {};
    const remaining: [string, number, number][] = [];
    for (const [d, b] of buckets) {
      const name = HEADER_NAME[d];
      const left = override[d]?.remaining ?? Math.max(0, Math.floor(b.level));
      const reset = override[d]?.reset ?? now + (b.capacity - b.level) / rate(b);
      out[`anthropic-ratelimit-${name}-limit`] = String(b.capacity);
      out[`anthropic-ratelimit-${name}-remaining`] = String(left);
      out[`anthropic-ratelimit-${name}-reset`] = rfc3339(reset);
      if (d !== "requests") remaining.push([String(b.capacity), left, reset]);
    }
    const tightest = remaining.sort((a, b) => a[1] - b[1])[0];
    if (tightest) {
      out["anthropic-ratelimit-tokens-limit"] = tightest[0];
      out["anthropic-ratelimit-tokens-remaining"] = String(tightest[1]);
      out["anthropic-ratelimit-tokens-reset"] = rfc3339(tightest[2]);
    }
    return out;
  };

  return {
    windowMs,
    configured: (d: LimitDimension) => buckets.get(d)?.capacity,
    /**
     * Takes `cost` from every bucket when each holds enough, and answers the headers after it; otherwise takes
     * nothing and says which bucket ran short and in how many whole seconds it will hold enough (`retry-after`).
     */
    admit(cost: Cost, now: number): Admission {
      refill(now);
      let waitMs = 0;
      let limitedBy: LimitDimension | null = null;
      for (const [d, b] of buckets) {
        const short = needed(b, cost[d]) - b.level;
        if (short > 0 && short / rate(b) >= waitMs) {
          waitMs = short / rate(b);
          limitedBy = d;
        }
      }
      if (limitedBy !== null) {
        return {
          ok: false,
          limitedBy,
          retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
          headers: headers(now, {}),
        };
      }
      for (const [d, b] of buckets) b.level -= cost[d];
      return { ok: true, headers: headers(now, {}) };
    },
    /** Gives `units` back to a bucket (negative: takes more), as the output estimate is settled at the end. */
    giveBack(d: LimitDimension, units: number, now: number) {
      refill(now);
      const b = buckets.get(d);
      if (b) b.level = Math.min(b.capacity, b.level + units);
    },
    /** The headers now, with a dimension shown exhausted until `until` (a forced 429). */
    headers(now: number, exhausted?: { dimension: LimitDimension; until: number }) {
      refill(now);
      return headers(now, exhausted ? { [exhausted.dimension]: { remaining: 0, reset: exhausted.until } } : {});
    },
  };
}
export type TokenBuckets = ReturnType<typeof tokenBuckets>;
