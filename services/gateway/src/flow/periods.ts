/** Spend is counted per UTC day (`2026-11-26`) and calendar month (`2026-11`), as the executor keys it. */
export type SpendPeriod = "day" | "month";

export const dayOf = (now: Date): string => now.toISOString().slice(0, 10);
export const monthOf = (now: Date): string => now.toISOString().slice(0, 7);

/** When the period `now` lies in ends: the next UTC midnight, or the first of the next month. */
export function periodEnd(period: SpendPeriod, now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  return period === "day" ? new Date(Date.UTC(y, m, now.getUTCDate() + 1)) : new Date(Date.UTC(y, m + 1, 1));
}

export const periodOf = (period: SpendPeriod, now: Date): string => (period === "day" ? dayOf(now) : monthOf(now));
