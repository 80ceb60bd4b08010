import type { ExecutorQueue, LaneFairness } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { charge, type Demand, isTurn, laneDemand, TURN_GRACE_MS } from "./turns.ts";

const LANE = "anthropic/claude-sonnet-4-5";
const NOW = 1_000_000;
const snapshot = (executorId: string, demand: Demand | undefined, at = NOW): ExecutorQueue => ({
  executorId,
  at,
  lanes: {
    [LANE]: {
      held: 1,
      running: 0,
      byPriority: {},
      byTenant: {},
      byReason: {},
      demand: demand && { ...demand, tenants: [...demand.tenants] },
    },
  },
});
const fresh = { now: NOW, freshMs: 10_000 };
/** A lane that has just had room: turns are kept. */
const ready = { now: NOW, readySince: NOW };

describe("laneDemand: what the lane's executors want next", () => {
  it("takes the highest rank any executor waits with, and the tenants of every executor at it", () => {
    const d = laneDemand(
      LANE,
      { rank: 1, tenants: ["a"] },
      [
        snapshot("x", { rank: 2, tenants: ["b"] }),
        snapshot("y", { rank: 2, tenants: ["c", "b"] }),
        snapshot("z", { rank: 0, tenants: ["d"] }),
      ],
      fresh,
    );
    expect(d?.rank).toBe(2);
    expect([...(d?.tenants ?? [])].sort()).toEqual(["b", "c"]);
  });

  it("ignores a snapshot too old to trust (its executor may be gone) and one without demand", () => {
    const d = laneDemand(
      LANE,
      { rank: 1, tenants: ["a"] },
      [snapshot("gone", { rank: 2, tenants: ["b"] }, NOW - 20_000), snapshot("idle", undefined)],
      fresh,
    );
    expect(d).toEqual({ rank: 1, tenants: ["a"] });
    expect(laneDemand(LANE, null, [], fresh)).toBeNull();
  });
});

describe("isTurn and charge: one weighted fair order across executors", () => {
  it("given a high task waiting anywhere, a normal one waits", () => {
    const demand = { rank: 2, tenants: ["a"] };
    expect(isTurn(undefined, demand, { tenant: "a", rank: 1 }, ready)).toBe(false);
    expect(isTurn(undefined, demand, { tenant: "a", rank: 2 }, ready)).toBe(true);
  });

  it("given two tenants waiting, they alternate call by call whoever holds their tasks", () => {
    const demand = { rank: 1, tenants: ["big", "small"] };
    let fair: LaneFairness | undefined;
    const order: string[] = [];
    for (let i = 0; i < 10; i++) {
      // The big tenant's executor asks first every time; it still gets only its turns.
      const tenant = isTurn(fair, demand, { tenant: "big", rank: 1 }, ready) ? "big" : "small";
      expect(isTurn(fair, demand, { tenant, rank: 1 }, ready)).toBe(true);
      fair = charge(fair, { tenant, weight: 1, active: demand.tenants }, NOW);
      order.push(tenant);
    }
    expect(order.filter((t) => t === "big")).toHaveLength(5);
    expect(order.slice(0, 4)).toEqual(["big", "small", "big", "small"]);
  });

  it("gives tenants shares by weight (3:1)", () => {
    const demand = { rank: 1, tenants: ["heavy", "light"] };
    const weight = { heavy: 3, light: 1 };
    let fair: LaneFairness | undefined;
    const served = { heavy: 0, light: 0 };
    for (let i = 0; i < 40; i++) {
      const tenant = isTurn(fair, demand, { tenant: "light", rank: 1 }, ready) ? "light" : "heavy";
      fair = charge(fair, { tenant, weight: weight[tenant], active: demand.tenants }, NOW);
      served[tenant]++;
    }
    expect(served).toEqual({ heavy: 30, light: 10 });
  });

  it("a tenant that was idle rejoins at the lane's virtual time: no burst for the time it was away", () => {
    let fair: LaneFairness | undefined;
    for (let i = 0; i < 50; i++) fair = charge(fair, { tenant: "busy", weight: 1, active: ["busy"] }, NOW);
    const demand = { rank: 1, tenants: ["busy", "back"] };
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const tenant = isTurn(fair, demand, { tenant: "back", rank: 1 }, ready) ? "back" : "busy";
      fair = charge(fair, { tenant, weight: 1, active: demand.tenants }, NOW);
      order.push(tenant);
    }
    expect(order.filter((t) => t === "back")).toHaveLength(3);
  });

  it("a turn nobody takes within the grace is not waited for: the lane does not idle on a stale demand", () => {
    const demand = { rank: 2, tenants: ["elsewhere"] };
    expect(isTurn(undefined, demand, { tenant: "a", rank: 1 }, { now: NOW, readySince: NOW - TURN_GRACE_MS })).toBe(
      false,
    );
    expect(isTurn(undefined, demand, { tenant: "a", rank: 1 }, { now: NOW, readySince: NOW - TURN_GRACE_MS - 1 })).toBe(
      true,
    );
  });

  it("keeps only the passes ahead of the lane's virtual time, however many tenants come and go", () => {
    let fair: LaneFairness | undefined;
    for (let i = 0; i < 1000; i++) fair = charge(fair, { tenant: `t${i}`, weight: 1, active: [`t${i}`] }, NOW);
    expect(Object.keys(fair?.pass ?? {}).length).toBeLessThanOrEqual(1);
  });
});
