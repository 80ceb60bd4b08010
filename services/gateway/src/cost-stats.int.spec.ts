import { randomUUID } from "node:crypto";
import type { TaskEvent } from "@taskjet/events";
import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

/** The gateway's clock: "today" below is its UTC day. */
const NOW = new Date("2026-11-26T12:30:20.000Z");
const A = "cost-a";
const B = "cost-b";

beforeAll(async () => {
  ctx = await createTestContext("cost-stats");
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => NOW });

  // Costs are sums of powers of two so that the totals compare exactly.
  await task(A, (id) => [
    ev.attemptFailed({ taskId: id, costUsd: 0.125, usage: { inputTokens: 10, outputTokens: 1 } }),
    ev.completed({ taskId: id, attempt: 2, costUsd: 0.25, at: "2026-11-26T01:00:00.000Z" }),
  ]);
  await task(A, (id) => [
    ev.attemptFailed({ taskId: id, costUsd: 0.0625, retryable: true }),
    ev.attemptFailed({ taskId: id, attempt: 2, costUsd: 0.0625, retryable: false }),
    ev.failed({ taskId: id, attempts: 2, at: "2026-11-26T12:30:00.000Z" }),
  ]);
  // The fake's model is in no row of the price table: no costUsd.
  await task(A, (id) => [ev.completed({ taskId: id, model: "fake-model", at: "2026-11-26T02:00:00.000Z" })]);
  await task(A, (id) => [ev.completed({ taskId: id, costUsd: 1.5, at: "2026-11-25T23:59:59.999Z" })]);
  await task(A, (id) => [ev.completed({ taskId: id, costUsd: 0.75, at: "2026-11-24T00:00:00.000Z" })]);
  await task(A, (id) => [ev.completed({ taskId: id, costUsd: 2, at: "2026-10-28T00:00:00.000Z" })]); // the 30th day
  await task(A, (id) => [ev.completed({ taskId: id, costUsd: 8, at: "2026-10-27T23:59:59.999Z" })]); // too old
  // Running: what its first attempt cost counts once the task has finished.
  await task(A, (id) => [ev.attemptFailed({ taskId: id, costUsd: 16 })]);
  await task(B, (id) => [ev.completed({ taskId: id, costUsd: 4, at: "2026-11-26T00:00:00.000Z" })]);
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

/** A task started for `tenant`, then `events`, projected as the projector would. */
async function task(tenant: string, events: (taskId: string) => TaskEvent[]) {
  const taskId = randomUUID();
  const at = "2026-10-01T00:00:00.000Z";
  for (const e of [
    ev.submitted({ taskId, tenant, at }),
    ev.queued({ taskId, at }),
    ev.started({ taskId, at }),
    ...events(taskId),
  ])
    await ctx.publish(e);
  await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId), ctx.log);
}

describe("cost at /stats and /metrics", () => {
  it("/stats: the tenant's cost per UTC day for 30 days, each task whole on the day it finished", async () => {
    const res = await app.inject({ url: "/stats", headers: { "x-tenant-id": A } });
    expect(res.statusCode).toBe(200);
    const { cost } = res.json();
    expect(cost.todayUsd).toBe(0.5);
    expect(cost.perDay).toHaveLength(30);
    expect(cost.perDay[0]).toEqual({ day: "2026-10-28", costUsd: 2 });
    expect(cost.perDay.slice(-3)).toEqual([
      { day: "2026-11-24", costUsd: 0.75 },
      { day: "2026-11-25", costUsd: 1.5 },
      { day: "2026-11-26", costUsd: 0.5 },
    ]);
    const total = cost.perDay.reduce((sum: number, d: { costUsd: number }) => sum + d.costUsd, 0);
    expect(total).toBe(4.75);
  });

  it("/stats: another tenant's spend is its own", async () => {
    const { cost } = (await app.inject({ url: "/stats", headers: { "x-tenant-id": B } })).json();
    expect(cost.todayUsd).toBe(4);
    expect(cost.perDay.filter((d: { costUsd: number }) => d.costUsd > 0)).toEqual([{ day: "2026-11-26", costUsd: 4 }]);
    const none = (await app.inject({ url: "/stats", headers: { "x-tenant-id": "cost-none" } })).json();
    expect(none.cost.todayUsd).toBe(0);
  });

  it("/metrics: taskjet_cost_usd per tenant for today", async () => {
    const metrics = (await app.inject({ url: "/metrics" })).body;
    expect(metrics).toContain(`taskjet_cost_usd{tenant="${A}"} 0.5\n`);
    expect(metrics).toContain(`taskjet_cost_usd{tenant="${B}"} 4\n`);
    expect(metrics).not.toContain('taskjet_cost_usd{tenant="cost-none"}');
  });
});
