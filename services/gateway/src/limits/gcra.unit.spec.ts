import { describe, expect, it } from "vitest";
import { gcra, ratePolicy } from "./gcra.ts";

/** Runs `n` requests at `nowMs` through one bucket, returning the decisions. */
function burst(n: number, nowMs: number, tat: number, rate: number, size: number) {
  const out = [];
  let t = tat;
  for (let i = 0; i < n; i++) {
    const d = gcra(t, nowMs, { rate, burst: size });
    if (d.allowed) t = d.tat;
    out.push(d);
  }
  return { decisions: out, tat: t };
}

describe("gcra", () => {
  it("given a fresh bucket, when a burst arrives, then exactly `burst` pass with remaining counting down", () => {
    const { decisions } = burst(6, 10_000, 0, 2, 4);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false, false]);
    expect(decisions.slice(0, 4).map((d) => d.remaining)).toEqual([3, 2, 1, 0]);
    expect(decisions[4]?.retryAfterSeconds).toBe(1); // one request refills in 0.5 s, rounded up
    expect(decisions[4]?.remaining).toBe(0);
  });

  it("given a spent bucket, when time passes, then it refills at `rate`", () => {
    const { tat } = burst(4, 10_000, 0, 2, 4);
    expect(gcra(tat, 10_499, { rate: 2, burst: 4 }).allowed).toBe(false);
    expect(gcra(tat, 10_500, { rate: 2, burst: 4 }).allowed).toBe(true);
    const later = burst(5, 12_000, tat, 2, 4).decisions.map((d) => d.allowed);
    expect(later).toEqual([true, true, true, true, false]);
  });

  it("given a slow rate, when refused, then Retry-After says how long until one passes", () => {
    const { decisions } = burst(2, 0, 0, 0.1, 1);
    expect(decisions[1]).toMatchObject({ allowed: false, retryAfterSeconds: 10, resetSeconds: 10 });
  });

  it("a burst of 0 means one second's worth", () => {
    expect(ratePolicy(5, 0)).toEqual({ rate: 5, burst: 5 });
    expect(ratePolicy(0.5, 0)).toEqual({ rate: 0.5, burst: 1 });
    expect(ratePolicy(5, 20)).toEqual({ rate: 5, burst: 20 });
  });
});
