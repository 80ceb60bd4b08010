import { randomUUID } from "node:crypto";
import { migrate, projectIsolating } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("quarantine");
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

/** The projector's work, by hand: the task's events folded into the read model, poison set aside. */
const project = async (taskId: string) =>
  projectIsolating(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId), ctx.log);

describe("a task with a quarantined event", () => {
  it("is answered from the stream and marked; operators see the event at /admin/quarantine and /metrics", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId }));
    // Written around the event schema's checks, as an older executor could have: text Postgres cannot store.
    const refused = { ...ev.completed({ taskId }), output: "a\u0000b" };
    const ack = await ctx.js.publish(ctx.subjects.event(taskId, "TaskCompleted"), JSON.stringify(refused));
    await project(taskId);

    const task = (await app.inject({ url: `/tasks/${taskId}` })).json();
    expect(task).toMatchObject({ status: "completed", output: "a\u0000b", quarantinedSeq: ack.seq });
    const row = await ctx.db.selectFrom("tasks").select("status").where("id", "=", taskId).executeTakeFirst();
    expect(row?.status).toBe("queued"); // the read model itself still lacks the event

    const { events } = (await app.inject({ url: "/admin/quarantine?afterSeq=0&limit=10" })).json();
    expect(events).toEqual([
      expect.objectContaining({ seq: ack.seq, taskId, type: "TaskCompleted", reason: "refused" }),
    ]);
    expect((await app.inject({ url: `/admin/quarantine?afterSeq=${ack.seq}` })).json().events).toEqual([]);
    const metrics = (await app.inject({ url: "/metrics" })).body;
    expect(metrics).toMatch(/^taskjet_projector_quarantined_events 1$/m);
  });

  it("a task without one says null", async () => {
    const res = await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "hi" } });
    const id = res.json().id;
    await project(id);
    expect((await app.inject({ url: `/tasks/${id}` })).json().quarantinedSeq).toBeNull();
  });
});
