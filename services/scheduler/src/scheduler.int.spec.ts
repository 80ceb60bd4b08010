import { randomUUID } from "node:crypto";
import type { TaskEvent } from "@taskjet/events";
import { inputLimits } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "./scheduler.ts";

let ctx: TestContext;
let running: Awaited<ReturnType<typeof startScheduler>>;

beforeAll(async () => {
  ctx = await createTestContext("scheduler");
  running = await startScheduler(
    { ...ctx, now: () => new Date(), limits: inputLimits(ctx.config) },
    { ackWaitMs: 5000, config: ctx.config },
  );
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop(1000)));
  await ctx.cleanup();
});

const types = (events: TaskEvent[]) => events.map((e) => e.type);

describe("scheduler", () => {
  it("queues a task with no runAt at once, carrying its input", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId, prompt: "now please", at: new Date().toISOString() }));
    const history = await waitFor(async () => {
      const h = await ctx.history(taskId);
      return h.some((e) => e.type === "TaskQueued") ? h : undefined;
    });
    expect(types(history)).toEqual(["TaskSubmitted", "TaskQueued"]);
    expect(history[1]).toMatchObject({ gen: 1, attemptsBefore: 0, input: { prompt: "now please" } });
  });

  it("holds a future task until runAt, never early", async () => {
    const taskId = randomUUID();
    const runAt = new Date(Date.now() + 1500).toISOString();
    await ctx.publish(ev.submitted({ taskId, runAt, at: new Date().toISOString() }));
    await waitFor(async () => (await ctx.history(taskId)).some((e) => e.type === "TaskScheduled"));
    const queued = await waitFor(async () => (await ctx.history(taskId)).find((e) => e.type === "TaskQueued"), {
      timeoutMs: 10_000,
    });
    expect(Date.parse(queued.at)).toBeGreaterThanOrEqual(Date.parse(runAt));
    expect(types(await ctx.history(taskId))).toEqual(["TaskSubmitted", "TaskScheduled", "TaskQueued"]);
  });

  it("never queues a task cancelled while it waited", async () => {
    const taskId = randomUUID();
    const runAt = new Date(Date.now() + 800).toISOString();
    await ctx.publish(ev.submitted({ taskId, runAt, at: new Date().toISOString() }));
    await waitFor(async () => (await ctx.history(taskId)).some((e) => e.type === "TaskScheduled"));
    await ctx.publish(ev.cancelled({ taskId }));
    // A later task submitted behind it is queued only after the cancelled one's timer has come round.
    const marker = randomUUID();
    await ctx.publish(ev.submitted({ taskId: marker, runAt: new Date(Date.now() + 1200).toISOString() }));
    await waitFor(async () => (await ctx.history(marker)).some((e) => e.type === "TaskQueued"));
    expect(types(await ctx.history(taskId))).toEqual(["TaskSubmitted", "TaskScheduled", "TaskCancelled"]);
  });
});
