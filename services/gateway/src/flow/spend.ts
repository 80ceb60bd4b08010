import { periodEnd, type SpendOver, spendOver, type TenantFlow, type TenantUsage } from "@taskjet/events";
import type { FastifyInstance } from "fastify";
import { sendRefusal } from "../errors.ts";
import type { FlowCache } from "./cache.ts";

export const SPEND_LIMIT_EXCEEDED = "spend_limit_exceeded";

/** The routes that make a new task: a tenant over its spend limit may make none. */
const CREATES_TASK = new Set(["POST /tasks", "POST /tasks/:id/chain"]);

export type SpendRefusal = SpendOver & { resetsAt: Date; retryAfterSeconds: number };

/**
 * Whether a tenant with these settings and this spend may submit now: null, or the limit it is at or over
 * (`spendOver`, the rule the executors hold its work by) and when that limit's period ends.
 */
export function spendRefusal(
  settings: TenantFlow | null,
  usageIn: (periodName: string) => TenantUsage,
  now: Date,
): SpendRefusal | null {
  const over = settings === null ? null : spendOver(settings.spendLimit, usageIn, now);
  if (over === null) return null;
  const resetsAt = periodEnd(over.period, now);
  const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
  return { ...over, resetsAt, retryAfterSeconds };
}

/** Cents for dollars, and four decimals below one, so that a small limit does not read as $0.00. */
const amount = (unit: SpendOver["unit"], n: number) =>
  unit === "usd" ? `$${n.toFixed(n < 1 ? 4 : 2)}` : `${n} tokens`;

export function spendMessage(tenant: string, r: SpendRefusal): string {
  const which = r.period === "day" ? "daily" : "monthly";
  const when = r.period === "day" ? `today (${r.periodName} UTC)` : `this month (${r.periodName})`;
  return (
    `tenant ${tenant} has spent ${amount(r.unit, r.used)} ${when}, at or over its ${which} limit of ` +
    `${amount(r.unit, r.max)} (${r.limit}): new tasks are refused until the ${r.period} turns at ` +
    `${r.resetsAt.toISOString()} or an admin raises the limit (PUT /admin/tenants/:tenant); queued tasks wait, ` +
    "they do not fail"
  );
}

/** The refusal's details: which limit, its figures in its own unit, the period and when it ends. */
function spendDetails(r: SpendRefusal) {
  const figures = r.unit === "usd" ? { limitUsd: r.max, usedUsd: r.used } : { limitTokens: r.max, usedTokens: r.used };
  return { limit: r.limit, ...figures, period: r.periodName, resetsAt: r.resetsAt.toISOString() };
}

/**
 * Refuses a new task from a tenant at or over its spend limit: 429 `spend_limit_exceeded` with `Retry-After`
 * (seconds to the next UTC day or month), decided from the flow bucket's in-memory copy, before any idempotency
 * key is claimed or anything published. Register after auth.
 */
export function registerSpendLimit(
  app: FastifyInstance,
  flow: FlowCache,
  deps: { now: () => Date },
  countError: (code: string) => void,
) {
  app.addHook("preHandler", async (req, reply) => {
    if (!CREATES_TASK.has(`${req.method} ${req.routeOptions.url}`)) return;
    const tenant = req.principal?.tenant;
    if (tenant === undefined) return;
    const refusal = spendRefusal(flow.tenant(tenant), (period) => flow.usage(tenant, period), deps.now());
    if (refusal === null) return;
    return sendRefusal(reply, countError, {
      status: 429,
      code: SPEND_LIMIT_EXCEEDED,
      message: spendMessage(tenant, refusal),
      retryAfterSeconds: refusal.retryAfterSeconds,
      details: spendDetails(refusal),
    });
  });
}
