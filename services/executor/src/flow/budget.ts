import {
  type Bucket,
  type LaneLimits,
  LaneState,
  type ModelInput,
  NO_LIMITS,
  requestChars,
  type WaitReason,
} from "@taskjet/events";

/**
 * A model lane's shared budget as pure functions of its LaneState: every executor reads the state, applies one of
 * these and writes the result back by compare-and-set (lane-store.ts). Three token buckets — requests, input
 * tokens, output tokens — each holding at most its limit and refilling at limit per window, so a burst of up to
 * one window's budget may start at once and after that work starts at the limit's rate; concurrency is counted
 * from the calls each executor has in flight. Time always comes in as `now` (ms since the epoch).
 */

export const DIMENSIONS = ["requests", "inputTokens", "outputTokens"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** What one call takes from each bucket. */
export type Need = Record<Dimension, number>;
export type Used = { inputTokens: number; outputTokens: number };
export type Clock = { now: number; windowMs: number };

/** Reserved: the state to write back; or why not, and when it may be worth asking again (null: on a change). */
export type Reservation =
  | { ok: true; state: LaneState; need: Need }
  | { ok: false; reason: WaitReason; untilMs: number | null };

/** The estimate a call reserves: ~4 characters a token for its input, its whole `maxTokens` for its output. */
export function estimateNeed(input: Pick<ModelInput, "prompt" | "system" | "maxTokens" | "messages" | "tools">): Need {
  const chars = requestChars(input);
  return { requests: 1, inputTokens: Math.ceil(chars / 4), outputTokens: input.maxTokens };
}

export function hasLimits(limits: LaneLimits): boolean {
  return Object.values(limits).some((v) => v !== null);
}

/** The limits in force: each the lower of what is configured and what the provider said, either when only one. */
export function limitsInForce(configured: LaneLimits, learned: LaneLimits): LaneLimits {
  const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
  return {
    requests: min(configured.requests, learned.requests),
    inputTokens: min(configured.inputTokens, learned.inputTokens),
    outputTokens: min(configured.outputTokens, learned.outputTokens),
    concurrency: min(configured.concurrency, learned.concurrency),
  };
}

/** A lane first used: full buckets under the configured limits (parsed, so every other field takes its default). */
export function newLane(lane: string, configured: LaneLimits, now: number): LaneState {
  const full = (limit: number | null): Bucket => ({ level: limit ?? 0, at: now });
  return LaneState.parse({
    lane,
    limits: configured,
    learned: NO_LIMITS,
    buckets: {
      requests: full(configured.requests),
      inputTokens: full(configured.inputTokens),
      outputTokens: full(configured.outputTokens),
    },
    pausedUntil: null,
    calls: {},
    totals: { calls: 0, inputTokens: 0, outputTokens: 0, rateLimited: 0 },
    updatedAt: now,
  });
}

/**
 * A bucket's level at `now`: what it held at `at` plus the refill since, never above its limit. Before `at` (a
 * pause still running) it holds what it was set to: nothing refills while the lane is paused.
 */
export function levelAt(bucket: Bucket, limit: number | null, { now, windowMs }: Clock): number {
  if (limit === null) return Number.POSITIVE_INFINITY;
  return Math.min(limit, bucket.level + (Math.max(0, now - bucket.at) * limit) / windowMs);
}

/** The calls still in flight: an entry whose `until` has passed belonged to an executor that died mid-call. */
export function liveCalls(state: LaneState, now: number): LaneState["calls"] {
  return Object.fromEntries(Object.entries(state.calls).filter(([, c]) => c.until > now && c.n > 0));
}

export function callsInFlight(state: LaneState, now: number, tenant?: string): number {
  let n = 0;
  for (const c of Object.values(liveCalls(state, now))) n += tenant === undefined ? c.n : (c.tenants[tenant] ?? 0);
  return n;
}

/**
 * Takes one call's need from the lane, or says why it must wait. A need above a bucket's capacity is clamped to
 * it (it would never fit otherwise: it waits for a full bucket instead). `leaseMs` bounds how long the call
 * counts against concurrency if this executor dies before settling it.
 */
export function reserve(
  state: LaneState,
  req: { executorId: string; tenant: string; need: Need; tenantCap: number | null; leaseMs: number },
  clock: Clock,
): Reservation {
  const { now } = clock;
  const { limits } = state;
  if (state.pausedUntil !== null && state.pausedUntil > now) {
    return { ok: false, reason: "rate_limited", untilMs: state.pausedUntil };
  }
  if (limits.concurrency !== null && callsInFlight(state, now) >= limits.concurrency) {
    return { ok: false, reason: "lane_concurrency", untilMs: null };
  }
  if (req.tenantCap !== null && callsInFlight(state, now, req.tenant) >= req.tenantCap) {
    return { ok: false, reason: "tenant_concurrency", untilMs: null };
  }
  const need = clampNeed(req.need, limits);
  let untilMs = now;
  for (const d of DIMENSIONS) {
    const limit = limits[d];
    const level = levelAt(state.buckets[d], limit, clock);
    if (limit !== null && level < need[d]) {
      const from = Math.max(now, state.buckets[d].at);
      untilMs = Math.max(untilMs, from + Math.ceil(((need[d] - level) * clock.windowMs) / limit));
    }
  }
  if (untilMs > now) return { ok: false, reason: "lane_budget", untilMs };
  const buckets = { ...state.buckets };
  for (const d of DIMENSIONS) {
    if (limits[d] !== null) buckets[d] = { level: levelAt(state.buckets[d], limits[d], clock) - need[d], at: now };
  }
  const calls = liveCalls(state, now);
  const mine = calls[req.executorId] ?? { n: 0, tenants: {}, until: 0 };
  calls[req.executorId] = {
    n: mine.n + 1,
    tenants: { ...mine.tenants, [req.tenant]: (mine.tenants[req.tenant] ?? 0) + 1 },
    until: Math.max(mine.until, now + req.leaseMs),
  };
  return { ok: true, state: { ...state, buckets, calls, pausedUntil: null, updatedAt: now }, need };
}

/**
 * Since when the lane has had room for this need: when its buckets refilled that far, its pause ended, its
 * last call was given, or (a lane limited in calls) it last changed — a slot may have freed then. A turn that
 * nobody takes is waited for only a short while after this (turns.ts).
 */
export function readySince(state: LaneState, need: Need, clock: Clock): number {
  let since = Math.max(state.fair?.lastGrantAt ?? 0, state.pausedUntil ?? 0);
  if (state.limits.concurrency !== null) since = Math.max(since, state.updatedAt);
  for (const d of DIMENSIONS) {
    const limit = state.limits[d];
    if (limit === null) continue;
    const spare = levelAt(state.buckets[d], limit, clock) - Math.min(need[d], limit);
    since = Math.max(since, clock.now - (Math.max(0, spare) * clock.windowMs) / limit);
  }
  return since;
}

/**
 * This executor is alive: its calls in flight on the lane count until `until` (a renewal every third of the
 * lease), so those of an executor killed mid-call free themselves within one lease. Null: nothing to renew.
 */
export function renewCalls(state: LaneState, executorId: string, until: number): LaneState | null {
  const mine = state.calls[executorId];
  if (!mine || mine.n === 0 || mine.until >= until) return null;
  return { ...state, calls: { ...state.calls, [executorId]: { ...mine, until } } };
}

export function clampNeed(need: Need, limits: LaneLimits): Need {
  const clamp = (d: Dimension) => (limits[d] === null ? need[d] : Math.min(need[d], limits[d]));
  return { requests: clamp("requests"), inputTokens: clamp("inputTokens"), outputTokens: clamp("outputTokens") };
}

/**
 * After the call: its slot is freed and the token buckets get back what was reserved beyond what the call used
 * (or give up what it used beyond: a bucket may go below zero, and refills from there). A call that used nothing
 * known (`used` null: it failed before an answer) gives its tokens back; its request stays spent.
 */
export function reconcile(
  state: LaneState,
  req: { executorId: string; tenant: string; reserved: Need; used: Used | null },
  clock: Clock,
): LaneState {
  const { now } = clock;
  const buckets = { ...state.buckets };
  const used = req.used ?? { inputTokens: 0, outputTokens: 0 };
  for (const d of ["inputTokens", "outputTokens"] as const) {
    const limit = state.limits[d];
    if (limit === null) continue;
    // Refunds land where the bucket is: during a pause that is at its end, so a pause stays a pause.
    const at = Math.max(now, state.buckets[d].at);
    const level = levelAt(state.buckets[d], limit, { ...clock, now: at }) + req.reserved[d] - used[d];
    buckets[d] = { level: Math.min(limit, level), at };
  }
  const calls = liveCalls(state, now);
  const mine = calls[req.executorId];
  if (mine) {
    const tenants = { ...mine.tenants, [req.tenant]: Math.max(0, (mine.tenants[req.tenant] ?? 0) - 1) };
    if (tenants[req.tenant] === 0) delete tenants[req.tenant];
    if (mine.n <= 1) delete calls[req.executorId];
    else calls[req.executorId] = { ...mine, n: mine.n - 1, tenants };
  }
  const totals = {
    ...state.totals,
    calls: state.totals.calls + (req.used ? 1 : 0),
    inputTokens: state.totals.inputTokens + used.inputTokens,
    outputTokens: state.totals.outputTokens + used.outputTokens,
  };
  return { ...state, buckets, calls, totals, updatedAt: now };
}

/**
 * A 429: nothing starts on the lane before `now + retryAfterMs`, and every bucket is empty at that moment, so it
 * refills at its limit's rate from there — the wake-up is spread over the window (no more than the per-second
 * share starts in the first second) instead of every held task starting at once. A later pause never shortens an
 * earlier one.
 */
export function pause(state: LaneState, retryAfterMs: number, { now }: Clock): LaneState {
  const until = Math.max(state.pausedUntil ?? 0, now + Math.max(0, retryAfterMs));
  const empty = { level: 0, at: until };
  return {
    ...state,
    pausedUntil: until,
    buckets: { requests: empty, inputTokens: empty, outputTokens: empty },
    totals: { ...state.totals, rateLimited: state.totals.rateLimited + 1 },
    updatedAt: now,
  };
}
