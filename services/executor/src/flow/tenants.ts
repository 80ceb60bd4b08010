import type { KV } from "@nats-io/kv";
import { flowKeys, periodOf, TenantFlow, TenantUsage } from "@taskjet/events";
import { followKeys, isCasConflict, type Logger } from "@taskjet/runtime";

const DEFAULT_FLOW: TenantFlow = TenantFlow.parse({});
const MAX_CAS_TRIES = 50;

/**
 * Tenants' flow settings (KV `tenant.<tenant>`: weight, concurrent-call cap, spend limit) and, for tenants with a
 * spend limit, their token spend this day and month (`usage.<tenant>.<period>`), kept in memory by watches. A
 * tenant without a spend limit costs nothing per call; one with a limit, two compare-and-sets per finished call.
 * `onChange` hears a change of either, so held work is looked at again when an admin raises a limit.
 */
export async function openTenants(opts: { kv: KV; log: Logger; onChange: () => void }) {
  const { kv, log } = opts;
  const settings = await followKeys(kv, "tenant.>", log, opts.onChange);
  const usage = await followKeys(kv, "usage.>", log, opts.onChange);

  function flowOf(tenant: string): TenantFlow {
    const v = settings.known.get(flowKeys.tenant(tenant))?.value;
    if (v === undefined || v === null) return DEFAULT_FLOW;
    const parsed = TenantFlow.safeParse(v);
    return parsed.success ? parsed.data : DEFAULT_FLOW;
  }
  function usedTokens(tenant: string, period: string): number {
    const v = usage.known.get(flowKeys.usage(tenant, period))?.value;
    const parsed = TenantUsage.safeParse(v);
    return parsed.success ? parsed.data.tokens : 0;
  }

  /** Adds to one period's spend by compare-and-set (a lost race re-reads and adds again). */
  async function add(key: string, tokens: number) {
    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const known = usage.known.get(key);
      const before = TenantUsage.safeParse(known?.value);
      const next: TenantUsage = { tokens: (before.success ? before.data.tokens : 0) + tokens };
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
      const { dailyTokens, monthlyTokens } = flowOf(tenant).spendLimit;
      return (
        (dailyTokens !== null && usedTokens(tenant, periodOf("day", now)) >= dailyTokens) ||
        (monthlyTokens !== null && usedTokens(tenant, periodOf("month", now)) >= monthlyTokens)
      );
    },
    /** Counts a finished call's tokens against the tenant's limits; nothing to do for a tenant without any. */
    async addUsage(tenant: string, tokens: number, now: Date) {
      const { dailyTokens, monthlyTokens } = flowOf(tenant).spendLimit;
      if (tokens <= 0 || (dailyTokens === null && monthlyTokens === null)) return;
      const periods = [periodOf("day", now), periodOf("month", now)];
      await Promise.all(periods.map((period) => add(flowKeys.usage(tenant, period), tokens)));
    },
    async close() {
      await settings.close();
      await usage.close();
    },
  };
}
export type Tenants = Awaited<ReturnType<typeof openTenants>>;
