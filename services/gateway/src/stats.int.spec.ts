import { randomUUID } from "node:crypto";
import type { TaskEvent } from "@taskjet/events";
import { fillMinutes, migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

/** The gateway's clock: every time below is relative to it. */
const NOW = new Date("2026-11-26T12:30:20.000Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const MIN = 60_000;

beforeAll(async () => {
  ctx = await createTestContext("stats");
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => NOW });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

/** Publishes a task's events as the services would, then writes them to the read model as the projector does. */
async function task(events: (taskId: string) => TaskEvent[]) {
  const taskId = randomUUID();
  for (const e of events(taskId)) await ctx.publish(e);
  await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId), ctx.log);
  return taskId;
}
const submitted = (taskId: string, tenant: string) => ev.submitted({ taskId, tenant, at: ago(3 * 60 * MIN) });
const started = (taskId: string, tenant: string) => [
  submitted(taskId, tenant),
  ev.queued({ taskId, at: ago(3 * 60 * MIN) }),
  ev.started({ taskId, at: ago(3 * 60 * MIN) }),
];
const completedAt = (tenant: string, at: string) => (taskId: string) => [
  ...started(taskId, tenant),
  ev.completed({ taskId, at }),
];
const failedAt = (tenant: string, at: string) => (taskId: string) => [
  ...started(taskId, tenant),
  ev.failed({ taskId, at }),
];

describe("GET /stats", () => {
  it("counts the tenant's tasks per minute and by status, and the projector's lag", async () => {
    const A = "stats-a";
    await task(completedAt(A, "2026-11-26T12:28:01.000Z"));
    await task(completedAt(A, "2026-11-26T12:28:59.999Z"));
    await task(failedAt(A, "2026-11-26T12:28:30.000Z"));
    await task(failedAt(A, "2026-11-26T11:31:00.000Z")); // the window's first minute
    await task(completedAt(A, "2026-11-26T12:30:10.000Z")); // the current minute, so far
    await task(completedAt(A, "2026-11-26T11:30:59.000Z")); // a minute too old
    await task(completedAt(A, ago(2 * 60 * MIN)));
    const parent = await task((id) => started(id, A)); // running
    await task((id) => [submitted(id, A), ev.queued({ taskId: id })]);
    await task((id) => [submitted(id, A), ev.queued({ taskId: id })]);
    await task((id) => [submitted(id, A), ev.scheduled({ taskId: id })]);
    await task((id) => [
      ev.chained({ taskId: id, tenant: A, parentId: parent }),
      ev.awaitingParent({ taskId: id, parentId: parent }),
    ]);
    await task((id) => [submitted(id, A), ev.cancelled({ taskId: id, at: ago(MIN) })]);
    // Another tenant's tasks count for it alone.
    await task(completedAt("stats-b", "2026-11-26T12:28:10.000Z"));
    await task((id) => started(id, "stats-b"));
    // Two events the projector has not written yet.
    await ctx.publish(submitted(randomUUID(), A));
    await ctx.publish(submitted(randomUUID(), A));

    const res = await app.inject({ url: "/stats", headers: { "x-tenant-id": A } });
    expect(res.statusCode).toBe(200);
    const stats = res.json();
    expect(stats.perMinute).toHaveLength(60);
    expect(stats.perMinute[0]).toEqual({ minute: "2026-11-26T11:31:00.000Z", completed: 0, failed: 1 });
    expect(stats.perMinute[57]).toEqual({ minute: "2026-11-26T12:28:00.000Z", completed: 2, failed: 1 });
    expect(stats.perMinute[59]).toEqual({ minute: "2026-11-26T12:30:00.000Z", completed: 1, failed: 0 });
    const busy = stats.perMinute.filter((m: { completed: number; failed: number }) => m.completed + m.failed > 0);
    expect(busy).toHaveLength(3);
    expect(stats.running).toBe(1);
    expect(stats.waiting).toEqual({ queued: 2, scheduled: 1, awaitingParent: 1 });
    expect(stats.countsByStatus).toEqual({
      submitted: 0,
      scheduled: 1,
      awaiting_parent: 1,
      queued: 2,
      running: 1,
      retrying: 0,
      completed: 5,
      failed: 2,
      cancelled: 1,
    });
    expect(stats.projectorLagEvents).toBe(2);

    const b = (await app.inject({ url: "/stats", headers: { "x-tenant-id": "stats-b" } })).json();
    expect(b.running).toBe(1);
    expect(b.countsByStatus.completed).toBe(1);
    expect(b.perMinute[57]).toEqual({ minute: "2026-11-26T12:28:00.000Z", completed: 1, failed: 0 });
    expect(b.projectorLagEvents).toBe(2); // the stream's, whoever's events they are

    const empty = (await app.inject({ url: "/stats", headers: { "x-tenant-id": "stats-none" } })).json();
    expect(empty.countsByStatus).toEqual(Object.fromEntries(Object.keys(stats.countsByStatus).map((s) => [s, 0])));
    expect(empty.perMinute.every((m: { completed: number; failed: number }) => m.completed + m.failed === 0)).toBe(
      true,
    );
  });

  it("refuses a bad tenant and is in the OpenAPI document", async () => {
    const bad = await app.inject({ url: "/stats", headers: { "x-tenant-id": "a.b" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("invalid_tenant");
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    const schema = doc.paths["/stats"].get.responses["200"].content["application/json"].schema;
    const stats = schema.$ref ? doc.components.schemas.Stats : schema;
    expect(Object.keys(stats.properties)).toEqual([
      "perMinute",
      "running",
      "waiting",
      "countsByStatus",
      "cost",
      "projectorLagEvents",
      "lanes",
    ]);
  });
});

describe("fillMinutes", () => {
  it("gives 60 minutes ending with the current one, zero where nothing finished", () => {
    const minutes = fillMinutes(NOW, [{ minute: Math.floor(NOW.getTime() / MIN) - 1, completed: 3, failed: 1 }]);
    expect(minutes).toHaveLength(60);
    expect(minutes.at(-1)).toEqual({ minute: new Date("2026-11-26T12:30:00.000Z"), completed: 0, failed: 0 });
    expect(minutes.at(-2)).toEqual({ minute: new Date("2026-11-26T12:29:00.000Z"), completed: 3, failed: 1 });
    expect(minutes[0]?.minute).toEqual(new Date("2026-11-26T11:31:00.000Z"));
  });
});
