import type { Priority } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { AdmissionQueue, effectiveRank, type Held } from "./queue.ts";

const agingMs = 60_000;
const T0 = 1_000_000;
const all = () => true;
let seq = 0;
const task = (tenant: string, priority: Priority = "normal", heldAt = T0, lane = "fake/m"): Held => ({
  id: `t${++seq}`,
  lane,
  tenant,
  priority,
  heldAt,
});
const queue = (weights: Record<string, number> = {}) =>
  new AdmissionQueue<Held>({ agingMs, weightOf: (t) => weights[t] ?? 1 });
/** Takes `n` tasks in admission order; their tenants. */
const drain = (q: AdmissionQueue<Held>, n: number, now = T0) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = q.next(now, all);
    if (!t) break;
    q.take(t);
    out.push(t.tenant);
  }
  return out;
};

describe("admission order", () => {
  it("a high task behind 5,000 normal ones is next", () => {
    const q = queue();
    for (let i = 0; i < 5000; i++) q.add(task("acme", "normal", T0 + i));
    const high = task("acme", "high", T0 + 5000);
    q.add(high);
    expect(q.next(T0 + 5000, all)).toBe(high);
  });

  it("two tenants at 10:1 volume alternate: equal shares while both have work", () => {
    const q = queue();
    for (let i = 0; i < 1000; i++) q.add(task("big", "normal", T0 + i));
    for (let i = 0; i < 100; i++) q.add(task("small", "normal", T0 + 1000 + i));
    const order = drain(q, 200);
    expect(order.filter((t) => t === "small")).toHaveLength(100);
    expect(order.slice(0, 6)).toEqual(["big", "small", "big", "small", "big", "small"]);
  });

  it("a single task of a new tenant waits at most a call or two behind a backlog", () => {
    const q = queue();
    for (let i = 0; i < 10_000; i++) q.add(task("big", "normal", T0));
    drain(q, 500);
    q.add(task("late"));
    expect(drain(q, 2)).toContain("late");
  });

  it("weights 3:1 give 3:1", () => {
    const q = queue({ a: 3, b: 1 });
    for (let i = 0; i < 500; i++) q.add(task("a"));
    for (let i = 0; i < 500; i++) q.add(task("b"));
    const order = drain(q, 400);
    const a = order.filter((t) => t === "a").length;
    expect(a / (400 - a)).toBeCloseTo(3, 1);
  });

  it("aging lifts a low task one level per PRIORITY_AGING_SECONDS, up to high", () => {
    const low = task("acme", "low", T0);
    expect(effectiveRank(low, T0 + 59_999, agingMs)).toBe(0);
    expect(effectiveRank(low, T0 + 60_000, agingMs)).toBe(1);
    expect(effectiveRank(low, T0 + 10 * agingMs, agingMs)).toBe(2);
    const q = queue();
    q.add(low);
    const normal = task("other", "normal", T0 + 60_000);
    q.add(normal);
    expect(q.next(T0 + 59_999, all)).toBe(normal);
    expect(q.next(T0 + 60_000, all)).toBe(low); // the same rank now, equal shares: the older goes first
    const fresh = queue();
    fresh.add(low);
    for (let i = 0; i < 100; i++) fresh.add(task("acme", "normal", T0 + 1 + i));
    expect(fresh.next(T0 + 1000, all)?.priority).toBe("normal");
    expect(fresh.next(T0 + 60_000, all)).toBe(low); // aged to normal and the oldest of its tenant
  });

  it("skips lanes and tenants that cannot take a task now; removes cancelled tasks", () => {
    const q = queue();
    const a = task("a", "high", T0, "lane-1");
    const b = task("b", "normal", T0, "lane-2");
    q.add(a);
    q.add(b);
    expect(q.next(T0, (lane) => lane !== "lane-1")).toBe(b);
    expect(q.remove(a.id)).toBe(true);
    expect(q.size).toBe(1);
    expect(q.next(T0, all)).toBe(b);
  });
  it("demand: the highest effective rank held on a lane and the tenants with a task at it", () => {
    const q = queue();
    q.add(task("a", "normal"));
    q.add(task("b", "high"));
    q.add(task("c", "high"));
    q.add(task("d", "high", T0, "other-lane"));
    expect(q.demand("fake/m", T0, all)).toEqual({ rank: 2, tenants: ["b", "c"] });
    expect(q.demand("fake/m", T0, (t) => t !== "b")).toEqual({ rank: 2, tenants: ["c"] });
    expect(q.demand("none", T0, all)).toBeNull();
  });
});
