import { type LaneLimits, NO_LIMITS } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import {
  callsInFlight,
  estimateNeed,
  levelAt,
  newLane,
  pause,
  readySince,
  reconcile,
  renewCalls,
  reserve,
} from "./budget.ts";
import { learn, saysLimits } from "./learn.ts";

const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const windowMs = 60_000;
const at = (ms: number) => ({ now: T0 + ms, windowMs });
const limits = (o: Partial<LaneLimits>): LaneLimits => ({ ...NO_LIMITS, ...o });
const call = { executorId: "ex-1", tenant: "acme", tenantCap: null, leaseMs: 600_000 };
const one = { requests: 1, inputTokens: 100, outputTokens: 50 };

describe("lane budget", () => {
  it("estimates a call: ~4 characters a token of prompt and system, all of maxTokens out", () => {
    expect(estimateNeed({ prompt: "x".repeat(10), system: "abc", maxTokens: 300 })).toEqual({
      requests: 1,
      inputTokens: 4,
      outputTokens: 300,
    });
  });

  it("a full bucket admits a window's burst, then waits for the refill at the limit's rate", () => {
    let lane = newLane("fake/m", limits({ requests: 60 }), T0);
    for (let i = 0; i < 60; i++) {
      const r = reserve(lane, { ...call, need: one }, at(0));
      if (!r.ok) throw new Error(`refused at ${i}`);
      lane = r.state;
    }
    expect(reserve(lane, { ...call, need: one }, at(0))).toEqual({
      ok: false,
      reason: "lane_budget",
      untilMs: T0 + 1000,
    });
    expect(reserve(lane, { ...call, need: one }, at(1000)).ok).toBe(true);
  });

  it("input tokens: a need larger than the bucket is clamped to its capacity, so it can ever run", () => {
    const lane = newLane("fake/m", limits({ inputTokens: 1000 }), T0);
    const r = reserve(lane, { ...call, need: { ...one, inputTokens: 5000 } }, at(0));
    expect(r.ok && r.need.inputTokens).toBe(1000);
    expect(r.ok && levelAt(r.state.buckets.inputTokens, 1000, at(0))).toBe(0);
  });

  it("concurrency counts every executor's calls; an expired entry (a dead executor) no longer counts", () => {
    let lane = newLane("fake/m", limits({ concurrency: 2 }), T0);
    for (const executorId of ["ex-1", "ex-2"]) {
      const r = reserve(lane, { ...call, executorId, need: one, leaseMs: 10_000 }, at(0));
      if (!r.ok) throw new Error("refused");
      lane = r.state;
    }
    expect(reserve(lane, { ...call, need: one }, at(0))).toMatchObject({ ok: false, reason: "lane_concurrency" });
    expect(reserve(lane, { ...call, need: one }, at(10_001)).ok).toBe(true);
    lane = reconcile(lane, { executorId: "ex-1", tenant: "acme", reserved: one, used: null }, at(5));
    expect(callsInFlight(lane, T0 + 5)).toBe(1);
  });

  it("a tenant at its cap waits while others still run", () => {
    const r1 = reserve(newLane("fake/m", NO_LIMITS, T0), { ...call, need: one, tenantCap: 1 }, at(0));
    if (!r1.ok) throw new Error("refused");
    expect(reserve(r1.state, { ...call, need: one, tenantCap: 1 }, at(0))).toMatchObject({
      ok: false,
      reason: "tenant_concurrency",
    });
    expect(reserve(r1.state, { ...call, tenant: "other", need: one, tenantCap: 1 }, at(0)).ok).toBe(true);
  });

  it("reconcile gives back what was reserved beyond the real usage, and takes what went beyond", () => {
    const lane = newLane("fake/m", limits({ inputTokens: 1000, outputTokens: 1000 }), T0);
    const r = reserve(lane, { ...call, need: { requests: 1, inputTokens: 400, outputTokens: 500 } }, at(0));
    if (!r.ok) throw new Error("refused");
    const after = reconcile(
      r.state,
      { executorId: "ex-1", tenant: "acme", reserved: r.need, used: { inputTokens: 600, outputTokens: 20 } },
      at(0),
    );
    expect(levelAt(after.buckets.inputTokens, 1000, at(0))).toBe(400);
    expect(levelAt(after.buckets.outputTokens, 1000, at(0))).toBe(980);
    expect(after.calls).toEqual({});
    expect(after.totals).toMatchObject({ calls: 1, inputTokens: 600, outputTokens: 20 });
  });

  it("a 429 pauses the lane until retry-after, then the buckets refill from empty: the wake-up is spread", () => {
    const lane = pause(newLane("fake/m", limits({ requests: 600 }), T0), 5000, at(0));
    expect(reserve(lane, { ...call, need: one }, at(4999))).toEqual({
      ok: false,
      reason: "rate_limited",
      untilMs: T0 + 5000,
    });
    // 600 a minute: 10 a second. In the first second after the pause, at most 10 start.
    let state = lane;
    let started = 0;
    for (let ms = 5000; ms <= 6000; ms += 10) {
      for (;;) {
        const r = reserve(state, { ...call, need: one }, at(ms));
        if (!r.ok) break;
        state = r.state;
        started++;
      }
    }
    expect(started).toBe(10);
    expect(state.totals.rateLimited).toBe(1);
  });

  it("a later, shorter pause does not shorten an earlier one", () => {
    const lane = pause(pause(newLane("fake/m", NO_LIMITS, T0), 5000, at(0)), 1000, at(100));
    expect(lane.pausedUntil).toBe(T0 + 5000);
  });

  it("learns limits from anthropic-ratelimit-* headers: the lower of configured and learned, level lowered to remaining", () => {
    const configured = limits({ requests: 100, inputTokens: 50_000 });
    const headers = {
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "7",
      "anthropic-ratelimit-input-tokens-limit": "80000",
      "anthropic-ratelimit-input-tokens-remaining": "79000",
      "anthropic-ratelimit-output-tokens-limit": "16000",
      "anthropic-ratelimit-output-tokens-remaining": "16000",
    };
    expect(saysLimits(headers)).toBe(true);
    expect(saysLimits({ "retry-after": "1" })).toBe(false);
    const lane = learn(newLane("anthropic/m", configured, T0), headers, configured, at(0));
    expect(lane.limits).toEqual({ requests: 50, inputTokens: 50_000, outputTokens: 16_000, concurrency: null });
    expect(lane.learned).toMatchObject({ requests: 50, inputTokens: 80_000, outputTokens: 16_000 });
    expect(levelAt(lane.buckets.requests, 50, at(0))).toBe(7);
    expect(levelAt(lane.buckets.inputTokens, 50_000, at(0))).toBe(50_000);
    expect(levelAt(lane.buckets.outputTokens, 16_000, at(0))).toBe(16_000);
  });
  it("learning at a call's end counts `remaining` as of the call's start, refilled since", () => {
    const configured = limits({ requests: 60 });
    const headers = { "anthropic-ratelimit-requests-limit": "60", "anthropic-ratelimit-requests-remaining": "0" };
    const lane = learn(newLane("anthropic/m", configured, T0), headers, configured, at(5000), T0);
    expect(levelAt(lane.buckets.requests, 60, at(5000))).toBe(5); // 5 s at one a second
  });
  it("readySince: when the buckets last refilled enough for the need (or the last grant, or the pause's end)", () => {
    let lane = newLane("fake/m", limits({ requests: 60 }), T0);
    expect(readySince(lane, one, at(0))).toBe(T0 - 59_000); // a full bucket: room for one since long ago
    for (let i = 0; i < 60; i++) {
      const r = reserve(lane, { ...call, need: one }, at(0));
      if (r.ok) lane = r.state;
    }
    expect(readySince(lane, one, at(1500))).toBe(T0 + 1000); // one request refilled at 1 s
    expect(readySince(pause(lane, 5000, at(0)), one, at(7000))).toBe(T0 + 6000);
  });

  it("a call counts until its lease, which its live executor renews: a killed executor's calls free themselves", () => {
    const lane = newLane("anthropic/m", limits({ concurrency: 1 }), T0);
    const r = reserve(lane, { ...call, need: one, leaseMs: 30_000 }, at(0));
    if (!r.ok) throw new Error("reserve failed");
    expect(reserve(r.state, { ...call, executorId: "ex-2", need: one, leaseMs: 30_000 }, at(29_000)).ok).toBe(false);
    // Nobody renewed it (its executor died): past the lease, the slot is free for another executor.
    expect(reserve(r.state, { ...call, executorId: "ex-2", need: one, leaseMs: 30_000 }, at(30_001)).ok).toBe(true);
    // Renewed at 20 s by a live executor: still taken at 40 s.
    const renewed = renewCalls(r.state, "ex-1", T0 + 50_000);
    expect(renewed).not.toBeNull();
    expect(
      reserve(renewed ?? r.state, { ...call, executorId: "ex-2", need: one, leaseMs: 30_000 }, at(40_000)).ok,
    ).toBe(false);
    // Nothing in flight, or already renewed as far: no write.
    expect(renewCalls(r.state, "ex-2", T0 + 50_000)).toBeNull();
    expect(renewCalls(renewed ?? r.state, "ex-1", T0 + 50_000)).toBeNull();
  });
});
