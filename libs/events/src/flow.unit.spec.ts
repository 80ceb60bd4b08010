import { describe, expect, it } from "vitest";
import { hasSpendLimit, laneOf, modelOfLane, spendOver, TenantFlow, TenantUsage } from "./flow.ts";

const NOW = new Date("2026-11-26T12:00:00.000Z");
const limits = (spendLimit: object) => TenantFlow.parse({ spendLimit }).spendLimit;
/** Spend by period name: a day (`2026-11-26`) or a month (`2026-11`). */
const spent = (day: TenantUsage, month: TenantUsage) => (name: string) => (name.length === 10 ? day : month);

describe("spendOver", () => {
  it("given no limit, then never over, whatever was spent", () => {
    const none = limits({});
    expect(hasSpendLimit(none)).toBe(false);
    expect(spendOver(none, spent({ tokens: 1e9, costUsd: 1e6 }, { tokens: 1e9, costUsd: 1e6 }), NOW)).toBeNull();
  });

  it("given a USD limit, then over once the period's cost reaches it, not before", () => {
    const daily = limits({ dailyUsd: 5 });
    expect(hasSpendLimit(daily)).toBe(true);
    const month = { tokens: 0, costUsd: 50 };
    expect(spendOver(daily, spent({ tokens: 10, costUsd: 4.99 }, month), NOW)).toBeNull();
    expect(spendOver(daily, spent({ tokens: 10, costUsd: 5 }, month), NOW)).toEqual({
      limit: "dailyUsd",
      period: "day",
      periodName: "2026-11-26",
      unit: "usd",
      max: 5,
      used: 5,
    });
  });

  it("given both periods over, then the month is named: waiting for the day would not help", () => {
    const both = limits({ dailyTokens: 100, monthlyUsd: 20 });
    const over = spendOver(both, spent({ tokens: 500, costUsd: 1 }, { tokens: 500, costUsd: 21 }), NOW);
    expect(over).toMatchObject({ limit: "monthlyUsd", periodName: "2026-11", unit: "usd" });
  });

  it("reads usage written before prices as no cost", () => {
    expect(TenantUsage.parse({ tokens: 7 })).toEqual({ tokens: 7, costUsd: 0 });
  });

  it("refuses a USD limit of zero or below", () => {
    expect(TenantFlow.safeParse({ spendLimit: { dailyUsd: 0 } }).success).toBe(false);
    expect(TenantFlow.safeParse({ spendLimit: { monthlyUsd: -1 } }).success).toBe(false);
  });
});

describe("modelOfLane", () => {
  it("is the model a lane was made of, a `/` in it included", () => {
    expect(modelOfLane(laneOf("anthropic", "claude-sonnet-4-5"))).toBe("claude-sonnet-4-5");
    expect(modelOfLane(laneOf("openai", "org/model-7b"))).toBe("org/model-7b");
  });
});
