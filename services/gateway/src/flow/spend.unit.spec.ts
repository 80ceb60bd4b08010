import { periodEnd, TenantFlow } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { spendMessage, spendRefusal } from "./spend.ts";

const limits = (dailyTokens: number | null, monthlyTokens: number | null) =>
  TenantFlow.parse({ spendLimit: { dailyTokens, monthlyTokens } });
const usdLimits = (dailyUsd: number | null, monthlyUsd: number | null) =>
  TenantFlow.parse({ spendLimit: { dailyUsd, monthlyUsd } });
const NOW = new Date("2026-12-31T23:59:30.000Z");
/** Spend by period name: a day (`2026-12-31`) or a month (`2026-12`). */
const spent =
  (day: number, month: number, dayUsd = 0, monthUsd = 0) =>
  (periodName: string) =>
    periodName.length === 10 ? { tokens: day, costUsd: dayUsd } : { tokens: month, costUsd: monthUsd };

describe("spendRefusal", () => {
  it("lets a tenant with no settings, no limit, or spend under its limits through", () => {
    expect(spendRefusal(null, spent(1e9, 1e9), NOW)).toBeNull();
    expect(spendRefusal(limits(null, null), spent(1e9, 1e9), NOW)).toBeNull();
    expect(spendRefusal(limits(100, 1000), spent(99, 999), NOW)).toBeNull();
  });

  it("refuses at the daily limit until the next UTC midnight, across a year's end", () => {
    const r = spendRefusal(limits(100, null), spent(100, 100), NOW);
    expect(r).toMatchObject({ limit: "dailyTokens", period: "day", periodName: "2026-12-31", max: 100, used: 100 });
    expect(r?.resetsAt.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(r?.retryAfterSeconds).toBe(30);
  });

  it("names the month when both are over: waiting for the day would not help", () => {
    const r = spendRefusal(limits(100, 1000), spent(150, 1500), new Date("2026-11-26T12:00:00.000Z"));
    expect(r).toMatchObject({ limit: "monthlyTokens", period: "month", periodName: "2026-11", used: 1500 });
    expect(r?.retryAfterSeconds).toBe((4 * 24 + 12) * 3600);
    expect(spendMessage("acme", r ?? expect.fail())).toMatch(
      /^tenant acme has spent 1500 tokens this month \(2026-11\), at or over its monthly limit of 1000 tokens/,
    );
  });
});

describe("spendRefusal in USD", () => {
  it("lets a tenant under its USD limits through, whatever its tokens", () => {
    expect(spendRefusal(usdLimits(5, 100), spent(1e9, 1e9, 4.99, 99.99), NOW)).toBeNull();
  });

  it("refuses at the daily USD limit, naming it and its dollars", () => {
    const r = spendRefusal(usdLimits(5, null), spent(0, 0, 5.25, 5.25), NOW);
    expect(r).toMatchObject({ limit: "dailyUsd", unit: "usd", period: "day", max: 5, used: 5.25 });
    expect(r?.retryAfterSeconds).toBe(30);
    expect(spendMessage("acme", r ?? expect.fail())).toMatch(
      /^tenant acme has spent \$5\.25 today \(2026-12-31 UTC\), at or over its daily limit of \$5\.00 \(dailyUsd\)/,
    );
  });

  it("a monthly USD limit goes before a daily token limit; cents below a dollar are not rounded away", () => {
    const both = TenantFlow.parse({ spendLimit: { dailyTokens: 10, monthlyUsd: 0.005 } });
    const r = spendRefusal(both, spent(20, 20, 0.006, 0.006), NOW);
    expect(r).toMatchObject({ limit: "monthlyUsd", period: "month" });
    expect(spendMessage("acme", r ?? expect.fail())).toContain(
      "$0.0060 this month (2026-12), at or over its monthly limit of $0.0050",
    );
  });
});

describe("periodEnd", () => {
  it("is the next UTC midnight, or the first of the next month", () => {
    expect(periodEnd("day", new Date("2026-02-28T05:00:00Z")).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(periodEnd("month", new Date("2026-12-01T00:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
