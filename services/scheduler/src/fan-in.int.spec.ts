import { randomUUID } from "node:crypto";
import type { Subscription } from "@nats-io/transport-node";
import type { EventOf, OnParentFailure, TaskEvent } from "@taskjet/events";
import { inputLimits } from "@taskjet/runtime";
import { createTestContext, ev, runTestExecutor, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "./scheduler.ts";

let ctx: TestContext;
let running: Awaited<ReturnType<typeof startScheduler>>;
let executor: Subscription;

beforeAll(async () => {
  ctx = await createTestContext("fan-in");
  running = await startScheduler(
    { ...ctx, now: () => new Date(), limits: inputLimits(ctx.config) },
    { ackWaitMs: 5000, config: ctx.config },
  );
  executor = runTestExecutor(ctx.nc, ctx.js, ctx.subjects);
});
afterAll(async () => {
  executor.unsubscribe();
  await Promise.all(running.map((r) => r.stop(1000)));
  await ctx.cleanup();
});

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const submit = async (prompt: string, runAt: string | null = null) => {
  const taskId = randomUUID();
  await ctx.publish(ev.submitted({ taskId, prompt, runAt, at: new Date().toISOString() }));
  return taskId;
};
const fanIn = async (parentIds: string[], prompt: string, onParentFailure: OnParentFailure = "cascade") => {
  const taskId = randomUUID();
  const [parentId = ""] = parentIds;
  const at = new Date().toISOString();
  await ctx.publish(ev.chained({ taskId, parentId, parentIds, onParentFailure, depth: 1, prompt, at }));
  return taskId;
};
const until = (taskId: string, type: TaskEvent["type"]) => ctx.historyWith(taskId, type);
const ofType = <T extends TaskEvent["type"]>(h: TaskEvent[], type: T) =>
  h.filter((e): e is EventOf<T> => e.type === type);

describe("fan-in", () => {
  it("a fan-in task runs once after its three parents, on each one's output", async () => {
    const parents = await Promise.all([submit("A"), submit("B", inMs(300)), submit("C", inMs(600))]);
    const child = await fanIn(parents, "{{parents.2.output}} {{parents.0.output}} | {{parents.output}}");
    const h = await until(child, "TaskCompleted");
    expect(ofType(h, "TaskQueued")).toHaveLength(1);
    expect(ofType(h, "TaskStarted")).toHaveLength(1);
    expect(ofType(h, "TaskQueued")[0]?.input.prompt).toBe("out(C) out(A) | out(A)\n\nout(B)\n\nout(C)");
    const lastParentDone = Math.max(
      ...(await Promise.all(
        parents.map(async (p) => Date.parse(ofType(await ctx.history(p), "TaskCompleted")[0]?.at ?? "")),
      )),
    );
    expect(Date.parse(ofType(h, "TaskQueued")[0]?.at ?? "")).toBeGreaterThanOrEqual(lastParentDone);
    expect(h.map((e) => e.type)).toEqual([
      "TaskChained",
      "TaskAwaitingParent",
      "TaskQueued",
      "TaskStarted",
      "TaskCompleted",
    ]);
  });

  it("queues a fan-in child at once when every parent has already completed", async () => {
    const parents = await Promise.all([submit("x"), submit("y")]);
    await Promise.all(parents.map((p) => until(p, "TaskCompleted")));
    const child = await fanIn(parents, "both");
    const h = await until(child, "TaskQueued");
    expect(h.map((e) => e.type).slice(0, 2)).toEqual(["TaskChained", "TaskQueued"]);
    expect(ofType(h, "TaskQueued")[0]?.input.prompt).toBe("both\n\nout(x)\n\nout(y)");
  });

  it("parents finishing at the same moment queue each child exactly once", async () => {
    const children = await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        const runAt = inMs(400);
        const parents = await Promise.all([submit(`p${i}a`, runAt), submit(`p${i}b`, runAt), submit(`p${i}c`, runAt)]);
        return fanIn(parents, "all");
      }),
    );
    await Promise.all(children.map((c) => until(c, "TaskCompleted")));
    const queued = await ctx.readAll(ctx.subjects.ofType("TaskQueued"));
    const started = await ctx.readAll(ctx.subjects.ofType("TaskStarted"));
    for (const c of children) {
      expect(queued.filter((e) => e.taskId === c)).toHaveLength(1);
      expect(started.filter((e) => e.taskId === c)).toHaveLength(1);
    }
  });
});

describe("a failed parent", () => {
  it("cascade: cancels the child once all parents have finished, naming the failed one", async () => {
    const parents = await Promise.all([submit("ok 1"), submit("FAIL here", inMs(200)), submit("ok 2", inMs(400))]);
    const child = await fanIn(parents, "{{parents.output}}", "cascade");
    const h = await until(child, "TaskCancelled");
    expect(h.at(-1)).toMatchObject({ type: "TaskCancelled", reason: `parent-failed: ${parents[1]}` });
    expect(h.map((e) => e.type)).not.toContain("TaskQueued");
  });

  it("continue: runs on the parents that completed, the failed one's output empty", async () => {
    const parents = await Promise.all([submit("ok 1"), submit("FAIL here", inMs(200)), submit("ok 2", inMs(400))]);
    const child = await fanIn(parents, "[{{parents.0.output}}|{{parents.1.output}}|{{parents.2.output}}]", "continue");
    const h = await until(child, "TaskCompleted");
    expect(ofType(h, "TaskQueued")).toHaveLength(1);
    expect(ofType(h, "TaskQueued")[0]?.input.prompt).toBe("[out(ok 1)||out(ok 2)]");
  });

  it("continue: cancels the child when no parent completed", async () => {
    const parents = await Promise.all([submit("FAIL 1"), submit("FAIL 2", inMs(200))]);
    const child = await fanIn(parents, "none", "continue");
    const h = await until(child, "TaskCancelled");
    expect(h.at(-1)).toMatchObject({ reason: `parent-failed: ${parents[0]}` });
  });
});
