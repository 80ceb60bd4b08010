import { periodEnd, periodOf, type SpendPeriod, type TenantFlow } from "@taskjet/events";
import type { FastifyInstance } from "fastify";
import { sendRefusal } from "../errors.ts";
import type { FlowCache } from "./cache.ts";

export const SPEND_LIMIT_EXCEEDED = "spend_limit_exceeded";

/** The routes that make a new task: a tenant over its spend limit may make none. */
const CREATES_TASK = new Set(["POST /tasks", "POST /tasks/:id/chain"]);

export type SpendRefusal = {
  period: SpendPeriod;
  periodName: string;
  limitTokens: number;
  usedTokens: number;
  resetsAt: Date;
  retryAfterSeconds: number;
};

/**
 * Whether a tenant with these settings and this spend may submit now: null, or the limit it is at or over. When
 * both are, the one that resets later (the month), since waiting for the day would not help.
 */
export function spendRefusal(
  settings: TenantFlow | null,
  usedTokens: (period: SpendPeriod, name: string) => number,
  now: Date,
): SpendRefusal | null {
  if (settings === null) return null;
  const limits: [SpendPeriod, number | null][] = [
    ["month", settings.spendLimit.monthlyTokens],
    ["day", settings.spendLimit.dailyTokens],
  ];
  for (const [period, limitTokens] of limits) {
    if (limitTokens === null) continue;
    const periodName = periodOf(period, now);
    const used = usedTokens(period, periodName);
    if (used < limitTokens) continue;
    const resetsAt = periodEnd(period, now);
    const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
    return { period, periodName, limitTokens, usedTokens: used, resetsAt, retryAfterSeconds };
  }
  return null;
}

export function spendMessage(tenant: string, r: SpendRefusal): string {
  const which = r.period === "day" ? "daily" : "monthly";
  const when = r.period === "day" ? `today (${r.periodName} UTC)` : `this month (${r.periodName})`;
  return (
    `tenant ${tenant} has spent ${r.usedTokens} tokens ${when}, at or over its ${which} limit of ` +
    `${r.limitTokens} tokens: new tasks are refused until the ${r.period} turns at ${r.resetsAt.toISOString()} ` +
    "or an admin raises the limit (PUT /admin/tenants/:tenant); queued tasks wait, they do not fail"
  );
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
    const refusal = spendRefusal(flow.tenant(tenant), (_, name) => flow.usageTokens(tenant, name), deps.now());
    if (refusal === null) return;
    return sendRefusal(reply, countError, {
      status: 429,
      code: SPEND_LIMIT_EXCEEDED,
      message: spendMessage(tenant, refusal),
      retryAfterSeconds: refusal.retryAfterSeconds,
      details: {
        limit: refusal.period === "day" ? "dailyTokens" : "monthlyTokens",
        limitTokens: refusal.limitTokens,
        usedTokens: refusal.usedTokens,
        period: refusal.periodName,
        resetsAt: refusal.resetsAt.toISOString(),
      },
    });
  });
}
