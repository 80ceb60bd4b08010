/**
 * Spend is counted per UTC day (`2026-11-26`) and calendar month (`2026-11`): the executors add to
 * `usage.<tenant>.<period>` under these names and the gateways read them, so both take them from here.
 */
export type SpendPeriod = "day" | "month";

/** When the period `now` lies in ends: the next UTC midnight, or the first of the next month. */
export function periodEnd(period: SpendPeriod, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return period === "day" ? new Date(Date.UTC(y, m, now.getUTCDate() + 1)) : new Date(Date.UTC(y, m + 1, 1));
}

/** The name of the period `now` lies in. */
export const periodOf = (period: SpendPeriod, now: Date): string =>
  now.toISOString().slice(0, period === "day" ? 10 : 7);
