import { periodEnd, TenantFlow } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { spendMessage, spendRefusal } from "./spend.ts";

const limits = (dailyTokens: number | null, monthlyTokens: number | null) =>
  TenantFlow.parse({ spendLimit: { dailyTokens, monthlyTokens } });
const NOW = new Date("2026-12-31T23:59:30.000Z");
const spent = (day: number, month: number) => (period: "day" | "month") => (period === "day" ? day : month);

describe("spendRefusal", () => {
  it("lets a tenant with no settings, no limit, or spend under its limits through", () => {
    expect(spendRefusal(null, spent(1e9, 1e9), NOW)).toBeNull();
    expect(spendRefusal(limits(null, null), spent(1e9, 1e9), NOW)).toBeNull();
    expect(spendRefusal(limits(100, 1000), spent(99, 999), NOW)).toBeNull();
  });

  it("refuses at the daily limit until the next UTC midnight, across a year's end", () => {
    const r = spendRefusal(limits(100, null), spent(100, 100), NOW);
    expect(r).toMatchObject({ period: "day", periodName: "2026-12-31", limitTokens: 100, usedTokens: 100 });
    expect(r?.resetsAt.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(r?.retryAfterSeconds).toBe(30);
  });

  it("names the month when both are over: waiting for the day would not help", () => {
    const r = spendRefusal(limits(100, 1000), spent(150, 1500), new Date("2026-11-26T12:00:00.000Z"));
    expect(r).toMatchObject({ period: "month", periodName: "2026-11", usedTokens: 1500 });
    expect(r?.retryAfterSeconds).toBe((4 * 24 + 12) * 3600);
    expect(spendMessage("acme", r ?? expect.fail())).toMatch(
      /^tenant acme has spent 1500 tokens this month \(2026-11\), at or over its monthly limit of 1000 tokens/,
    );
  });
});

describe("periodEnd", () => {
  it("is the next UTC midnight, or the first of the next month", () => {
    expect(periodEnd("day", new Date("2026-02-28T05:00:00Z")).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(periodEnd("month", new Date("2026-12-01T00:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
