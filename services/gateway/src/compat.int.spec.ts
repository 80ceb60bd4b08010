import { randomUUID } from "node:crypto";
import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("compat");
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

/** The projector's work, by hand: the task's events folded into the read model. */
const project = async (taskId: string) =>
  projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId), ctx.log);

describe("the Celery-compatible routes", () => {
  it("GET /tasks/recent lists the tenant's unfinished tasks, newest first, in Celery's words", async () => {
    const headers = { "x-tenant-id": `recent-${randomUUID().slice(0, 8)}` };
    const submit = async (prompt: string) =>
      (await app.inject({ method: "POST", url: "/submit", headers, payload: { prompt } })).json().task_id as string;
    const waiting = await submit("still waiting");
    const running = await submit("under way");
    const done = await submit("finished");
    for (const e of [ev.queued({ taskId: running }), ev.started({ taskId: running })]) await ctx.publish(e);
    for (const e of [ev.queued({ taskId: done }), ev.started({ taskId: done }), ev.completed({ taskId: done })]) {
      await ctx.publish(e);
    }
    for (const id of [waiting, running, done]) await project(id);
    await submit("not in the read model yet"); // listed only once projected: the list reads the read model

    const res = await app.inject({ method: "GET", url: "/tasks/recent", headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().tasks).toEqual([
      { task_id: running, status: "PROCESSING", result: null },
      { task_id: waiting, status: "PENDING", result: null },
    ]);
    const other = await app.inject({ method: "GET", url: "/tasks/recent", headers: { "x-tenant-id": "someone-else" } });
    expect(other.json().tasks.map((t: { task_id: string }) => t.task_id)).not.toContain(waiting);
  });
});
