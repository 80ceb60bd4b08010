import { z } from "zod";
import { PRIORITIES, WAIT_REASONS } from "./events.ts";
import { periodOf, type SpendPeriod } from "./spend-periods.ts";

/**
 * Flow control's shared state, kept in the NATS KV bucket `<kvPrefix>_flow` so that every executor and gateway
 * sees one budget per model lane and one setting per tenant. Keys: `lane.<lane>`, `tenant.<tenant>`,
 * `usage.<tenant>.<period>` (a day `2026-11-26` or a month `2026-11`) and `queue.<executorId>`; each part
 * through `flowKeyPart` since a model name may hold characters a KV key may not.
 */

/** A lane: one provider's model, `anthropic/claude-sonnet-4-5`; every call to it shares its limits. */
export function laneOf(provider: string, model: string): string {
  return `${provider}/${model}`;
}

/** The model of a lane: what follows the provider's name (a model id may itself hold a `/`). */
export function modelOfLane(lane: string): string {
  return lane.slice(lane.indexOf("/") + 1);
}

/** A KV key part from any text: a character outside `[-\w]` becomes its code point in hex between `=`s. */
export function flowKeyPart(text: string): string {
  return text.replace(/[^-\w]/gu, (c) => `=${c.codePointAt(0)?.toString(16)}=`);
}

export const flowKeys = {
  lane: (lane: string) => `lane.${flowKeyPart(lane)}`,
  tenant: (tenant: string) => `tenant.${flowKeyPart(tenant)}`,
  usage: (tenant: string, period: string) => `usage.${flowKeyPart(tenant)}.${period}`,
  queue: (executorId: string) => `queue.${flowKeyPart(executorId)}`,
};

const count = z.number().int().positive().nullable();
const usd = z.number().positive();
const NO_SPEND_LIMIT = { dailyTokens: null, monthlyTokens: null, dailyUsd: null, monthlyUsd: null };

/** A lane's limits per window (a minute at Anthropic); null is "no limit known". */
export const LaneLimits = z.object({
  requests: count,
  inputTokens: count,
  outputTokens: count,
  /** Calls in flight at once, across every executor. */
  concurrency: count,
});
export type LaneLimits = z.infer<typeof LaneLimits>;
export const NO_LIMITS: LaneLimits = { requests: null, inputTokens: null, outputTokens: null, concurrency: null };

/** A token bucket: `level` units were available at `at` (ms since the epoch); it refills at limit per window. */
export const Bucket = z.object({ level: z.number(), at: z.number() });
export type Bucket = z.infer<typeof Bucket>;

/** What one executor has in flight on a lane, by tenant; dropped by any writer once `until` has passed. */
export const LaneCalls = z.object({
  n: z.number().int().nonnegative(),
  tenants: z.record(z.string(), z.number().int().nonnegative()),
  until: z.number(),
});

/**
 * Whose turn it is on a lane, across executors: each tenant's pass (its virtual time: +1/weight per call it was
 * given) and the lane's virtual time, where a tenant that was idle rejoins. Weighted fair share over the whole
 * lane, not per executor.
 */
export const LaneFairness = z.object({
  vtime: z.number(),
  pass: z.record(z.string(), z.number()),
  /** When the lane last gave a call to anyone (ms since the epoch): a turn not taken is not waited on for ever. */
  lastGrantAt: z.number(),
});
export type LaneFairness = z.infer<typeof LaneFairness>;
export const NO_FAIRNESS: LaneFairness = { vtime: 0, pass: {}, lastGrantAt: 0 };

/** A lane's shared budget (KV `lane.<lane>`), changed only by compare-and-set. */
export const LaneState = z.object({
  lane: z.string().min(1),
  /** The limits in force: the configured ones, lowered to what the provider's headers said. */
  limits: LaneLimits,
  /** What the provider last said, from `anthropic-ratelimit-*` headers. */
  learned: LaneLimits,
  buckets: z.object({ requests: Bucket, inputTokens: Bucket, outputTokens: Bucket }),
  /** After a 429, no call starts before this (ms since the epoch); the buckets refill from it. */
  pausedUntil: z.number().nullable(),
  calls: z.record(z.string(), LaneCalls),
  /** Absent until the lane first chose between tenants. */
  fair: LaneFairness.optional(),
  /** Counted since the lane was first used: for /stats and /metrics. */
  totals: z.object({
    calls: z.number().int().nonnegative(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    rateLimited: z.number().int().nonnegative(),
  }),
  updatedAt: z.number(),
});
export type LaneState = z.infer<typeof LaneState>;

/** A tenant's flow settings (KV `tenant.<tenant>`), set at `PUT /admin/tenants/:tenant`. */
export const TenantFlow = z.object({
  /** Its share of a lane against other tenants of the same priority (deficit round-robin). */
  weight: z.number().positive().max(1000).default(1),
  /** Calls it may have in flight at once on a lane; null: only the lane's limit. */
  maxConcurrent: z.number().int().positive().nullable().default(null),
  /**
   * What it may spend per UTC day / calendar month: tokens (input + output) and USD (its calls priced by the
   * price table; calls to a model the table does not know cost nothing). null: no limit.
   */
  spendLimit: z
    .object({
      dailyTokens: count.default(null),
      monthlyTokens: count.default(null),
      dailyUsd: usd.nullable().default(null),
      monthlyUsd: usd.nullable().default(null),
    })
    .default(NO_SPEND_LIMIT),
});
export type TenantFlow = z.infer<typeof TenantFlow>;
export type SpendLimit = TenantFlow["spendLimit"];

/** What a tenant spent in a period (KV `usage.<tenant>.<period>`), added to after every finished call. */
export const TenantUsage = z.object({
  tokens: z.number().int().nonnegative(),
  /** Absent in what was written before prices: nothing counted yet. */
  costUsd: z.number().nonnegative().default(0),
});
export type TenantUsage = z.infer<typeof TenantUsage>;
export const NO_USAGE: TenantUsage = { tokens: 0, costUsd: 0 };

/** A spend limit by its field: the period it counts over and what it counts. */
const SPEND_LIMITS = [
  ["monthlyTokens", "month", "tokens"],
  ["monthlyUsd", "month", "costUsd"],
  ["dailyTokens", "day", "tokens"],
  ["dailyUsd", "day", "costUsd"],
] as const satisfies readonly (readonly [keyof SpendLimit, SpendPeriod, keyof TenantUsage])[];

export type SpendOver = {
  limit: keyof SpendLimit;
  period: SpendPeriod;
  /** The period's name, `2026-11-26` or `2026-11`. */
  periodName: string;
  unit: "tokens" | "usd";
  max: number;
  used: number;
};

export const hasSpendLimit = (limits: SpendLimit) => SPEND_LIMITS.some(([field]) => limits[field] !== null);

/**
 * The spend limit a tenant is at or over now, or null. The executors hold its work and the gateways refuse its
 * submits by this one rule. A monthly limit is named before a daily one: waiting for the day would not help.
 */
export function spendOver(
  limits: SpendLimit,
  usageIn: (periodName: string) => TenantUsage,
  now: Date,
): SpendOver | null {
  for (const [limit, period, measure] of SPEND_LIMITS) {
    const max = limits[limit];
    if (max === null) continue;
    const periodName = periodOf(period, now);
    const used = usageIn(periodName)[measure];
    if (used >= max) return { limit, period, periodName, unit: measure === "tokens" ? "tokens" : "usd", max, used };
  }
  return null;
}

const counts = <K extends readonly [string, ...string[]]>(keys: K) =>
  z.partialRecord(z.enum(keys), z.number().int().nonnegative());

/** What one executor holds, per lane (KV `queue.<executorId>`, rewritten every few seconds while it runs). */
export const ExecutorQueue = z.object({
  executorId: z.string().min(1),
  at: z.number(),
  lanes: z.record(
    z.string(),
    z.object({
      held: z.number().int().nonnegative(),
      running: z.number().int().nonnegative(),
      byPriority: counts(PRIORITIES),
      byTenant: z.record(z.string(), z.number().int().nonnegative()),
      byReason: counts(WAIT_REASONS),
      /**
       * What this executor wants of the lane next: the highest effective priority rank (0 low … 2 high, aging
       * included) among its held tasks that only the lane holds back, and the tenants with such tasks at that
       * rank. Every executor reads every other's to keep one order across the lane.
       */
      demand: z.object({ rank: z.number().int().min(0).max(2), tenants: z.array(z.string()) }).optional(),
    }),
  ),
});
export type ExecutorQueue = z.infer<typeof ExecutorQueue>;
