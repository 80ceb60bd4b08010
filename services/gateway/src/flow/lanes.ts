import {
  type Bucket,
  type ExecutorQueue,
  type LaneLimits,
  type LaneState,
  PRIORITIES,
  WAIT_REASONS,
} from "@taskjet/events";
import { z } from "zod";

/** An executor rewrites its queue every few seconds while it runs: an older snapshot is of one that stopped. */
export const QUEUE_FRESH_MS = 10_000;

const count = z.number().int().nonnegative();
const limit = z.number().int().positive().nullable();
const Limits = z.object({ requests: limit, inputTokens: limit, outputTokens: limit, concurrency: limit });
const level = z.number().nullable();

export const LaneStats = z
  .object({
    lane: z.string().meta({ description: "`<provider>/<model>`: every call to it shares its limits" }),
    limits: Limits.meta({ description: "in force per window: the configured ones, lowered to what the provider said" }),
    learned: Limits.meta({ description: "what the provider's rate-limit headers last said" }),
    windowSeconds: z.number().int().positive(),
    available: z
      .object({ requests: level, inputTokens: level, outputTokens: level })
      .meta({ description: "what the lane's buckets hold now (null without a limit); below 0 after an overrun" }),
    inFlight: count.meta({ description: "calls in flight on the lane, every executor and tenant" }),
    inFlightByTenant: z.record(z.string(), count).meta({ description: "the caller's tenant only" }),
    pausedUntil: z.string().nullable().meta({ description: "after a 429, no call starts before this" }),
    totals: z.object({ calls: count, inputTokens: count, outputTokens: count, rateLimited: count }),
    queue: z
      .object({
        held: count,
        running: count,
        byPriority: z.record(z.enum(PRIORITIES), count),
        byReason: z.record(z.enum(WAIT_REASONS), count),
        byTenant: z.record(z.string(), count).meta({ description: "the caller's tenant only" }),
      })
      .meta({ description: "what executors hold for the lane, summed over those that reported in the last 10 s" }),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "LaneStats" });
export type LaneStats = z.infer<typeof LaneStats>;

/** Whose per-tenant counts a caller sees: its own, or every tenant's (an admin). */
export type Viewer = { tenant: string; allTenants: boolean };

/** A bucket's level at `now`: it refills at `limit` per window from when it was written, or the pause's end. */
export function levelAt(
  bucket: Bucket,
  limit: number | null,
  pausedUntil: number | null,
  windowMs: number,
  now: number,
) {
  if (limit === null) return null;
  const from = Math.max(bucket.at, pausedUntil ?? 0);
  const refilled = now > from ? ((now - from) * limit) / windowMs : 0;
  return Math.floor(Math.min(limit, bucket.level + refilled));
}

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const add = (into: Record<string, number>, key: string, n: number) => {
  into[key] = (into[key] ?? 0) + n;
};
const NONE: LaneLimits = { requests: null, inputTokens: null, outputTokens: null, concurrency: null };

/**
 * Every lane as /stats and /metrics show it: the lane documents the executors keep, and the queues of the
 * executors that reported lately summed per lane. A lane only queues know of (never called yet) shows too.
 */
export function laneStats(
  lanes: readonly LaneState[],
  queues: readonly ExecutorQueue[],
  viewer: Viewer,
  opts: { now: Date; windowSeconds: number },
): LaneStats[] {
  const now = opts.now.getTime();
  const windowMs = opts.windowSeconds * 1000;
  const mine = (tenant: string) => viewer.allTenants || tenant === viewer.tenant;
  const out = new Map<string, LaneStats>();
  const entry = (lane: string): LaneStats => {
    let s = out.get(lane);
    if (s === undefined) {
      s = {
        lane,
        limits: NONE,
        learned: NONE,
        windowSeconds: opts.windowSeconds,
        available: { requests: null, inputTokens: null, outputTokens: null },
        inFlight: 0,
        inFlightByTenant: {},
        pausedUntil: null,
        totals: { calls: 0, inputTokens: 0, outputTokens: 0, rateLimited: 0 },
        queue: { held: 0, running: 0, byPriority: zeros(PRIORITIES), byReason: zeros(WAIT_REASONS), byTenant: {} },
        updatedAt: null,
      };
      out.set(lane, s);
    }
    return s;
  };
  for (const l of lanes) {
    const s = entry(l.lane);
    const paused = l.pausedUntil !== null && l.pausedUntil > now ? l.pausedUntil : null;
    s.limits = l.limits;
    s.learned = l.learned;
    s.available = {
      requests: levelAt(l.buckets.requests, l.limits.requests, l.pausedUntil, windowMs, now),
      inputTokens: levelAt(l.buckets.inputTokens, l.limits.inputTokens, l.pausedUntil, windowMs, now),
      outputTokens: levelAt(l.buckets.outputTokens, l.limits.outputTokens, l.pausedUntil, windowMs, now),
    };
    for (const calls of Object.values(l.calls)) {
      if (calls.until <= now) continue;
      s.inFlight += calls.n;
      for (const [tenant, n] of Object.entries(calls.tenants)) if (mine(tenant)) add(s.inFlightByTenant, tenant, n);
    }
    s.pausedUntil = paused === null ? null : new Date(paused).toISOString();
    s.totals = l.totals;
    s.updatedAt = new Date(l.updatedAt).toISOString();
  }
  for (const q of queues) {
    if (now - q.at > QUEUE_FRESH_MS) continue;
    for (const [lane, held] of Object.entries(q.lanes)) {
      const s = entry(lane).queue;
      s.held += held.held;
      s.running += held.running;
      for (const [p, n] of Object.entries(held.byPriority)) add(s.byPriority, p, n ?? 0);
      for (const [r, n] of Object.entries(held.byReason)) add(s.byReason, r, n ?? 0);
      for (const [tenant, n] of Object.entries(held.byTenant)) if (mine(tenant)) add(s.byTenant, tenant, n);
    }
  }
  return [...out.values()].sort((a, b) => a.lane.localeCompare(b.lane));
}

/** The lanes as a viewer sees them now, from the flow bucket's in-memory copy. */
export const lanesOf =
  (
    flow: { lanes(): LaneState[]; queues(): ExecutorQueue[] },
    deps: { now: () => Date; config: { LANE_WINDOW_SECONDS: number } },
  ) =>
  (viewer: Viewer): LaneStats[] =>
    laneStats(flow.lanes(), flow.queues(), viewer, {
      now: deps.now(),
      windowSeconds: deps.config.LANE_WINDOW_SECONDS,
    });
export type LanesOf = ReturnType<typeof lanesOf>;
