import type { KV } from "@nats-io/kv";
import { type ExecutorQueue, flowKeys, LaneState, TenantUsage } from "@taskjet/events";
import { migrate } from "@taskjet/read-model";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { openFlowBucket } from "./flow/store.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;
let kv: KV;

/** The gateway's clock: a day 2 h 30 min before its end, in a month 4 days and 2 h 30 min before its end. */
const NOW = new Date("2026-11-26T21:30:00.000Z");
const T = "flow-acme";

beforeAll(async () => {
  ctx = await createTestContext("flow");
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => NOW });
  kv = await openFlowBucket(ctx.js, ctx.names, ctx.config);
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const as = (tenant: string) => ({ "x-tenant-id": tenant });
const submit = (tenant: string) =>
  app.inject({ method: "POST", url: "/tasks", headers: as(tenant), payload: { prompt: "hi" } });
const putTenant = (tenant: string, body: object) =>
  app.inject({ method: "PUT", url: `/admin/tenants/${tenant}`, headers: as("ops"), payload: body });
/** Spend as the executor records it after each finished call. */
const spend = (tenant: string, period: string, tokens: number, costUsd = 0) =>
  kv.put(flowKeys.usage(tenant, period), JSON.stringify(TenantUsage.parse({ tokens, costUsd })));
const NO_LIMITS = { dailyTokens: null, monthlyTokens: null, dailyUsd: null, monthlyUsd: null };

describe("admin tenant settings", () => {
  it("given a tenant never set, when read, then the defaults and its spend this day and month", async () => {
    await spend(T, "2026-11-26", 1200, 0.25);
    // Written before prices: no costUsd, nothing counted.
    await kv.put(flowKeys.usage(T, "2026-11"), JSON.stringify({ tokens: 50_000 }));
    const res = await app.inject({ url: `/admin/tenants/${T}`, headers: as("ops") });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      tenant: T,
      weight: 1,
      maxConcurrent: null,
      spendLimit: NO_LIMITS,
      usage: {
        day: { period: "2026-11-26", tokens: 1200, costUsd: 0.25, resetsAt: "2026-11-27T00:00:00.000Z" },
        month: { period: "2026-11", tokens: 50_000, costUsd: 0, resetsAt: "2026-12-01T00:00:00.000Z" },
      },
    });
  });

  it("when set, then stored whole in the flow bucket (defaults filled in) and read back", async () => {
    const res = await putTenant("flow-set", { weight: 3, spendLimit: { monthlyTokens: 9000, dailyUsd: 12.5 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tenant: "flow-set", weight: 3, maxConcurrent: null });
    const stored = await kv.get(flowKeys.tenant("flow-set"));
    expect(stored?.json()).toEqual({
      weight: 3,
      maxConcurrent: null,
      spendLimit: { ...NO_LIMITS, monthlyTokens: 9000, dailyUsd: 12.5 },
    });
    const read = (await app.inject({ url: "/admin/tenants/flow-set", headers: as("ops") })).json();
    expect(read.spendLimit).toEqual({ ...NO_LIMITS, monthlyTokens: 9000, dailyUsd: 12.5 });
  });

  it("refuses a bad tenant id and a bad body", async () => {
    for (const bad of ["Upper", "-lead", "a.b", "x".repeat(64)]) {
      const res = await app.inject({ url: `/admin/tenants/${bad}`, headers: as("ops") });
      expect(res.statusCode, bad).toBe(400);
    }
    for (const body of [
      { weight: 0 },
      { maxConcurrent: 1.5 },
      { spendLimit: { dailyTokens: -1 } },
      { spendLimit: { dailyUsd: 0 } },
      { spendLimit: { monthlyUsd: "10" } },
      { extra: 1 },
      { spendLimit: { daily: 5 } },
    ]) {
      const res = await putTenant("flow-bad", body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe("invalid_request");
    }
  });
});

describe("the spend limit", () => {
  it("given a tenant at its daily limit, when it submits, then 429 spend_limit_exceeded until the day turns; raising the limit lets it through", async () => {
    const tenant = "flow-daily";
    await spend(tenant, "2026-11-26", 1000);
    expect((await putTenant(tenant, { spendLimit: { dailyTokens: 1000 } })).statusCode).toBe(200);

    for (const res of [
      await submit(tenant),
      await app.inject({
        method: "POST",
        url: `/tasks/${crypto.randomUUID()}/chain`,
        headers: as(tenant),
        payload: { prompt: "more" },
      }),
    ]) {
      expect(res.statusCode).toBe(429);
      expect(res.headers["retry-after"]).toBe(String(2.5 * 3600));
      const { error } = res.json();
      expect(error.code).toBe("spend_limit_exceeded");
      expect(error.message).toContain("1000 tokens today");
      expect(error.message).toContain("daily limit of 1000");
      expect(error.message).toContain("2026-11-27T00:00:00.000Z");
      expect(error.details).toEqual({
        limit: "dailyTokens",
        limitTokens: 1000,
        usedTokens: 1000,
        period: "2026-11-26",
        resetsAt: "2026-11-27T00:00:00.000Z",
      });
    }
    // Another tenant is not held back.
    expect((await submit("flow-other")).statusCode).toBe(202);

    expect((await putTenant(tenant, { spendLimit: { dailyTokens: 5000 } })).statusCode).toBe(200);
    expect((await submit(tenant)).statusCode).toBe(202);
  });

  it("given a tenant over its monthly limit, then Retry-After runs to the month's end, and new spend read through the watch refuses", async () => {
    const tenant = "flow-monthly";
    expect((await putTenant(tenant, { spendLimit: { dailyTokens: 100, monthlyTokens: 10_000 } })).statusCode).toBe(200);
    expect((await submit(tenant)).statusCode).toBe(202);
    // The executor records spend: the gateway sees it through its watch, with no read per request.
    await spend(tenant, "2026-11", 12_000);
    await spend(tenant, "2026-11-26", 150);
    const res = await waitFor(async () => {
      const r = await submit(tenant);
      return r.statusCode === 429 && r.json().error.details.limit === "monthlyTokens" ? r : null;
    });
    expect(res?.headers["retry-after"]).toBe(String((4 * 24 + 2.5) * 3600));
    expect(res?.json().error.message).toContain("monthly limit of 10000");
  });

  it("given a tenant at its daily USD limit, then 429 naming dailyUsd and its dollars; a token limit it is under does not help", async () => {
    const tenant = "flow-usd";
    await spend(tenant, "2026-11-26", 300, 2.5);
    await spend(tenant, "2026-11", 300, 2.5);
    expect((await putTenant(tenant, { spendLimit: { dailyUsd: 2.5, monthlyTokens: 1_000_000 } })).statusCode).toBe(200);
    const res = await submit(tenant);
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe(String(2.5 * 3600));
    const { error } = res.json();
    expect(error.code).toBe("spend_limit_exceeded");
    expect(error.message).toContain(
      "has spent $2.50 today (2026-11-26 UTC), at or over its daily limit of $2.50 (dailyUsd)",
    );
    expect(error.details).toEqual({
      limit: "dailyUsd",
      limitUsd: 2.5,
      usedUsd: 2.5,
      period: "2026-11-26",
      resetsAt: "2026-11-27T00:00:00.000Z",
    });
    const read = (await app.inject({ url: `/admin/tenants/${tenant}`, headers: as("ops") })).json();
    expect(read.usage.day).toMatchObject({ tokens: 300, costUsd: 2.5 });

    // A monthly USD limit passed later in the month refuses until the month's end.
    expect((await putTenant(tenant, { spendLimit: { dailyUsd: 10, monthlyUsd: 3 } })).statusCode).toBe(200);
    expect((await submit(tenant)).statusCode).toBe(202);
    await spend(tenant, "2026-11", 300, 3.01);
    const monthly = await waitFor(async () => {
      const r = await submit(tenant);
      return r.statusCode === 429 ? r : null;
    });
    expect(monthly?.json().error.details).toMatchObject({ limit: "monthlyUsd", limitUsd: 3, usedUsd: 3.01 });
    expect(monthly?.headers["retry-after"]).toBe(String((4 * 24 + 2.5) * 3600));
  });
});

describe("lanes at /stats and /metrics", () => {
  const lane = "anthropic/claude-flow-test";
  const at = NOW.getTime();
  const state: LaneState = LaneState.parse({
    lane,
    limits: { requests: 600, inputTokens: 100_000, outputTokens: 20_000, concurrency: 10 },
    learned: { requests: 600, inputTokens: 100_000, outputTokens: null, concurrency: null },
    buckets: {
      requests: { level: 100, at: at - 10_000 }, // paused: no refill before the pause ends
      inputTokens: { level: 99_000, at },
      outputTokens: { level: 0, at },
    },
    pausedUntil: at + 5000,
    calls: {
      e1: { n: 2, tenants: { [T]: 1, "flow-b": 1 }, until: at + 60_000 },
      gone: { n: 5, tenants: { [T]: 5 }, until: at - 1 },
    },
    totals: { calls: 40, inputTokens: 4000, outputTokens: 800, rateLimited: 1 },
    updatedAt: at - 1000,
  });
  const queue = (executorId: string, ageMs: number, held: number): ExecutorQueue => ({
    executorId,
    at: at - ageMs,
    lanes: {
      [lane]: {
        held,
        running: 1,
        byPriority: { normal: held - 1, high: 1 },
        byTenant: { [T]: held - 1, "flow-b": 1 },
        byReason: { rate_limited: held - 1 },
      },
    },
  });

  it("shows each lane's limits, buckets, in-flight calls, pause, totals and fresh queues, per tenant its own", async () => {
    await kv.put(flowKeys.lane(lane), JSON.stringify(state));
    await kv.put(flowKeys.queue("e1"), JSON.stringify(queue("e1", 2000, 4)));
    await kv.put(flowKeys.queue("e2"), JSON.stringify(queue("e2", 3000, 2)));
    await kv.put(flowKeys.queue("stale"), JSON.stringify(queue("stale", 60_000, 100)));
    const stats = await waitFor(async () => {
      const s = (await app.inject({ url: "/stats", headers: as(T) })).json();
      return s.lanes.some((l: { queue: { held: number } }) => l.queue.held === 6) ? s : null;
    });
    expect(stats.lanes.find((l: { lane: string }) => l.lane === lane)).toEqual({
      lane,
      limits: state.limits,
      learned: state.learned,
      windowSeconds: 60,
      available: { requests: 100, inputTokens: 99_000, outputTokens: 0 },
      inFlight: 2,
      inFlightByTenant: { [T]: 1 },
      pausedUntil: new Date(at + 5000).toISOString(),
      totals: state.totals,
      queue: {
        held: 6,
        running: 2,
        byPriority: { low: 0, normal: 4, high: 2 },
        byReason: { rate_limited: 4, lane_budget: 0, lane_concurrency: 0, tenant_concurrency: 0, spend_limit: 0 },
        byTenant: { [T]: 4 },
      },
      updatedAt: new Date(at - 1000).toISOString(),
    });

    const metrics = (await app.inject({ url: "/metrics" })).body;
    const l = `lane="${lane}"`;
    expect(metrics).toContain(`taskjet_lane_limit{${l},kind="requests"} 600`);
    expect(metrics).toContain(`taskjet_lane_available{${l},kind="requests"} 100`);
    expect(metrics).toContain(`taskjet_lane_in_flight{${l}} 2`);
    expect(metrics).toContain(`taskjet_lane_paused_seconds{${l}} 5`);
    expect(metrics).toContain(`taskjet_lane_queued_by_priority{${l},priority="high"} 2`);
    expect(metrics).toContain(`taskjet_lane_queued_by_tenant{${l},tenant="flow-b"} 2`);
    expect(metrics).toContain(`taskjet_lane_waiting{${l},reason="rate_limited"} 4`);
    expect(metrics).toContain(`taskjet_lane_rate_limited_total{${l}} 1`);
  });
});
