import type { LaneLimits, LaneState } from "@taskjet/events";
import { type Clock, DIMENSIONS, type Dimension, levelAt, limitsInForce } from "./budget.ts";

/**
 * What a lane learns from the provider's answers: Anthropic sends `anthropic-ratelimit-<dimension>-{limit,
 * remaining,reset}` on every reply (a 429 included), so an executor with nothing configured finds its limits
 * from the first call, and every executor's view is corrected by what the provider has really counted.
 */

const HEADER_OF: Record<Dimension, string> = {
  requests: "requests",
  inputTokens: "input-tokens",
  outputTokens: "output-tokens",
};

/** What `anthropic-ratelimit-<dimension>-{limit,remaining}` say, as numbers (absent or garbled: null). */
export function readRateLimitHeaders(
  headers: Record<string, string>,
): Record<Dimension, { limit: number | null; remaining: number | null }> {
  const num = (v: string | undefined) => {
    const n = v === undefined ? Number.NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
  };
  const read = (d: Dimension) => ({
    limit: num(headers[`anthropic-ratelimit-${HEADER_OF[d]}-limit`]),
    remaining: num(headers[`anthropic-ratelimit-${HEADER_OF[d]}-remaining`]),
  });
  return { requests: read("requests"), inputTokens: read("inputTokens"), outputTokens: read("outputTokens") };
}

/** Whether a response said anything `learn` uses. */
export function saysLimits(headers: Record<string, string>): boolean {
  const said = readRateLimitHeaders(headers);
  return DIMENSIONS.some((d) => said[d].limit !== null);
}

/**
 * What the provider's headers teach: its limits (the ones in force become the lower of configured and learned)
 * and what remains now — a bucket is lowered to `remaining`, never raised (the provider also counts calls made
 * with the same key from elsewhere; a higher figure may simply not include our calls in flight).
 */
export function learn(
  state: LaneState,
  headers: Record<string, string>,
  configured: LaneLimits,
  clock: Clock,
  /** When the provider said it (the call's start: headers come first): `remaining` has refilled since. */
  saidAt: number = clock.now,
): LaneState {
  const said = readRateLimitHeaders(headers);
  const learned = { ...state.learned };
  for (const d of DIMENSIONS) {
    const limit = said[d].limit;
    if (limit !== null && limit > 0) learned[d] = limit;
  }
  const limits = limitsInForce(configured, learned);
  const buckets = { ...state.buckets };
  for (const d of DIMENSIONS) {
    const limit = limits[d];
    if (limit === null) continue;
    const b = state.buckets[d];
    // A bucket that had no limit before starts full at the new one.
    const before = state.limits[d] === null ? { level: limit, at: clock.now } : b;
    const at = Math.max(clock.now, before.at);
    let level = Math.min(limit, levelAt(before, limit, { ...clock, now: at }));
    const remaining = said[d].remaining;
    if (remaining !== null && at === clock.now) {
      const since = Math.max(0, clock.now - Math.min(saidAt, clock.now));
      level = Math.min(level, remaining + (since * limit) / clock.windowMs);
    }
    buckets[d] = { level, at };
  }
  return { ...state, learned, limits, buckets, updatedAt: clock.now };
}
