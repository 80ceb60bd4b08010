import { fakeOutput, fakeProvider, listenForCancellations, startExecutor } from "@taskjet/executor";
import { buildApp } from "@taskjet/gateway";
import { migrate, startProjector } from "@taskjet/projector";
import { startScheduler } from "@taskjet/scheduler";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let ctx: TestContext;
let baseUrl: string;
const stops: (() => Promise<unknown>)[] = [];

/** All four services in this process against one namespace, the gateway on a real port. */
beforeAll(async () => {
  ctx = await createTestContext("e2e");
  const now = () => new Date();
  await migrate(ctx.db, ctx.names, ctx.log);
  const projector = await startProjector({ ...ctx, maxBatch: 500, ackWaitMs: 5000 });
  const schedulers = await startScheduler({ ...ctx, now }, { ackWaitMs: 5000, config: ctx.config });
  const cancellations = listenForCancellations(ctx.nc, ctx.subjects);
  const executor = await startExecutor(
    { ...ctx, llm: fakeProvider({ latencyMs: 20 }), cancellations, executorId: "e2e", now, random: Math.random },
    { concurrency: 64, ackWaitMs: 5000 },
  );
  const app = await buildApp({ ...ctx, now });
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  stops.push(
    () => app.close(),
    () => executor.stop(1000),
    () => Promise.all(schedulers.map((s) => s.stop(1000))),
    () => projector.stop(),
    async () => cancellations.close(),
  );
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await ctx.cleanup();
});

describe("end to end over HTTP", () => {
  it("submit → completed with the fake output, in the read model", async () => {
    const res = await fetch(`${baseUrl}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hi" }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const task = await waitFor(
      async () => {
        const t = (await (await fetch(`${baseUrl}/tasks/${id}`)).json()) as { status: string };
        return t.status === "completed" ? t : undefined;
      },
      { what: "the task to complete" },
    );
    expect(task).toMatchObject({ id, status: "completed", output: fakeOutput("hi"), attempts: 1, error: null });
    const row = await ctx.db.selectFrom("tasks").select(["status", "output"]).where("id", "=", id).executeTakeFirst();
    expect(row).toEqual({ status: "completed", output: fakeOutput("hi") });
  });

  it("runs many tasks concurrently, each exactly once", async () => {
    const ids = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const res = await fetch(`${baseUrl}/tasks`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ prompt: `task ${i}` }),
        });
        return ((await res.json()) as { id: string }).id;
      }),
    );
    await waitFor(
      async () => {
        const rows = await ctx.db
          .selectFrom("tasks")
          .select("status")
          .where("id", "in", ids)
          .where("status", "=", "completed")
          .execute();
        return rows.length === ids.length;
      },
      { what: "100 tasks completed", timeoutMs: 20_000 },
    );
    const started = await Promise.all(
      ids.map(async (id) => (await ctx.history(id)).filter((e) => e.type === "TaskStarted").length),
    );
    expect(started.every((n) => n === 1)).toBe(true);
  });
});
