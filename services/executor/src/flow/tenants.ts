import type { KV } from "@nats-io/kv";
import {
  flowKeys,
  hasSpendLimit,
  modelOfLane,
  NO_USAGE,
  periodOf,
  spendOver,
  TenantFlow,
  TenantUsage,
  type Usage,
} from "@taskjet/events";
import { followKeys, isCasConflict, type Logger } from "@taskjet/runtime";

const DEFAULT_FLOW: TenantFlow = TenantFlow.parse({});
const MAX_CAS_TRIES = 50;

/**
 * Tenants' flow settings (KV `tenant.<tenant>`: weight, concurrent-call cap, spend limits) and, for tenants with a
 * spend limit, their spend this day and month in tokens and USD (`usage.<tenant>.<period>`), kept in memory by
 * watches. A tenant without a spend limit costs nothing per call; one with a limit, two compare-and-sets per
 * finished call. `onChange` hears a change of either, so held work is looked at again when an admin raises a
 * limit. `price` is the price table's (what the task's events say the call cost); without it calls cost nothing.
 */
export async function openTenants(opts: {
  kv: KV;
  log: Logger;
  onChange: () => void;
  price?: (model: string, usage: Usage) => number | undefined;
}) {
  const { kv, log } = opts;
  const settings = await followKeys(kv, "tenant.>", log, opts.onChange);
  const usage = await followKeys(kv, "usage.>", log, opts.onChange);

  function flowOf(tenant: string): TenantFlow {
    const v = settings.known.get(flowKeys.tenant(tenant))?.value;
    if (v === undefined || v === null) return DEFAULT_FLOW;
    const parsed = TenantFlow.safeParse(v);
    return parsed.success ? parsed.data : DEFAULT_FLOW;
  }
  function usageIn(tenant: string, period: string): TenantUsage {
    const parsed = TenantUsage.safeParse(usage.known.get(flowKeys.usage(tenant, period))?.value);
    return parsed.success ? parsed.data : NO_USAGE;
  }

  /** Adds to one period's spend by compare-and-set (a lost race re-reads and adds again). */
  async function add(key: string, spent: TenantUsage) {
    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const known = usage.known.get(key);
      const before = TenantUsage.safeParse(known?.value);
      const was = before.success ? before.data : NO_USAGE;
      const next: TenantUsage = { tokens: was.tokens + spent.tokens, costUsd: was.costUsd + spent.costUsd };
      const data = JSON.stringify(next);
      try {
        const revision =
          known && known.value !== null ? await kv.update(key, data, known.revision) : await kv.create(key, data);
        usage.apply(key, revision, next);
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
        await usage.refresh(key);
      }
    }
    throw new Error(`${key}: ${MAX_CAS_TRIES} compare-and-sets lost in a row`);
  }

  return {
    flowOf,
    weightOf: (tenant: string) => flowOf(tenant).weight,
    /** Whether the tenant is at or over a spend limit this day or month: its held work waits. */
    overSpend(tenant: string, now: Date): boolean {
      return spendOver(flowOf(tenant).spendLimit, (period) => usageIn(tenant, period), now) !== null;
    },
    /**
     * Counts a finished call's tokens (input + output) and cost (its usage priced for the lane's model) against
     * the tenant's limits; nothing to do for a tenant without any. `costUsd`: what the call cost when it was
     * not priced at list (a batch's result, at the batch discount).
     */
    async charge(tenant: string, lane: string, used: Usage | null, now: Date, costUsd?: number) {
      if (used === null || !hasSpendLimit(flowOf(tenant).spendLimit)) return;
      const spent = {
        tokens: used.inputTokens + used.outputTokens,
        costUsd: costUsd ?? opts.price?.(modelOfLane(lane), used) ?? 0,
      };
      if (spent.tokens <= 0 && spent.costUsd <= 0) return;
      const periods = [periodOf("day", now), periodOf("month", now)];
      await Promise.all(periods.map((period) => add(flowKeys.usage(tenant, period), spent)));
    },
    async close() {
      await settings.close();
      await usage.close();
    },
  };
}
export type Tenants = Awaited<ReturnType<typeof openTenants>>;
