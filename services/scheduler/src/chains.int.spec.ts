import { randomUUID } from "node:crypto";
import type { Subscription } from "@nats-io/transport-node";
import type { EventOf, TaskEvent } from "@taskjet/events";
import { getInputBody, inputLimits, lastEvent, openBodies } from "@taskjet/runtime";
import { createTestContext, ev, runTestExecutor, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "./scheduler.ts";

let ctx: TestContext;
let running: Awaited<ReturnType<typeof startScheduler>>;
let executor: Subscription;

beforeAll(async () => {
  ctx = await createTestContext("chains");
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

const now = () => new Date().toISOString();
const submit = async (prompt: string, o: Partial<EventOf<"TaskSubmitted">> = {}) => {
  const taskId = randomUUID();
  await ctx.publish(ev.submitted({ taskId, prompt, at: now(), ...o }));
  return taskId;
};
const chain = async (parentId: string, prompt: string, o: Partial<EventOf<"TaskChained">> = {}) => {
  const taskId = randomUUID();
  await ctx.publish(ev.chained({ taskId, parentId, prompt, at: now(), ...o }));
  return taskId;
};
const until = (taskId: string, type: TaskEvent["type"]) => ctx.historyWith(taskId, type);
const queuedPrompt = (h: TaskEvent[]) =>
  h.find((e): e is EventOf<"TaskQueued"> => e.type === "TaskQueued")?.input.prompt;
const types = (h: TaskEvent[]) => h.map((e) => e.type);

describe("chains", () => {
  it("runs A → B → C in order, each on its parent's output", async () => {
    const a = await submit("A");
    const b = await chain(a, "B[{{parent.output}}]");
    const c = await chain(b, "C says");
    const hc = await until(c, "TaskCompleted");
    const hb = await ctx.history(b);
    expect(queuedPrompt(hb)).toBe("B[out(A)]");
    expect(queuedPrompt(hc)).toBe("C says\n\nout(B[out(A)])");
    expect(types(hc)).toEqual(["TaskChained", "TaskAwaitingParent", "TaskQueued", "TaskStarted", "TaskCompleted"]);
  });

  it("fans out: ten children of one parent each run once on its output", async () => {
    const parent = await submit("P", { runAt: new Date(Date.now() + 300).toISOString() });
    const children = await Promise.all(
      Array.from({ length: 10 }, (_, i) => chain(parent, `child ${i}: {{parent.output}}`)),
    );
    const histories = await Promise.all(children.map((c) => until(c, "TaskCompleted")));
    histories.forEach((h, i) => {
      expect(h.filter((e) => e.type === "TaskQueued")).toHaveLength(1);
      expect(queuedPrompt(h)).toBe(`child ${i}: out(P)`);
    });
  });

  it("queues a child of an already completed parent at once", async () => {
    const parent = await submit("done");
    await until(parent, "TaskCompleted");
    const child = await chain(parent, "{{parent.output}}!");
    const h = await until(child, "TaskQueued");
    expect(types(h).slice(0, 2)).toEqual(["TaskChained", "TaskQueued"]);
    expect(queuedPrompt(h)).toBe("out(done)!");
  });

  it("runs a chained task at the later of its runAt and its parent's completion", async () => {
    const parent = await submit("early");
    await until(parent, "TaskCompleted");
    const runAt = new Date(Date.now() + 1000).toISOString();
    const child = await chain(parent, "later", { runAt });
    const h = await until(child, "TaskCompleted"); // not TaskQueued: the history below runs to the end
    const q = h.find((e) => e.type === "TaskQueued") as TaskEvent;
    expect(Date.parse(q.at)).toBeGreaterThanOrEqual(Date.parse(runAt));
    expect(types(h)).toEqual(["TaskChained", "TaskScheduled", "TaskQueued", "TaskStarted", "TaskCompleted"]);
  });

  it("a child created while its parent completes is queued exactly once, every time", async () => {
    const children: string[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const parent = await submit(`race ${i}`);
        await new Promise((r) => setTimeout(r, i % 8)); // spread the chaining across the parent's completion
        children.push(await chain(parent, "c"));
      }),
    );
    await waitFor(
      async () => {
        const queued = await ctx.readAll(ctx.subjects.ofType("TaskQueued"));
        const ids = new Set(queued.map((e) => e.taskId));
        return children.every((c) => ids.has(c)) ? queued : undefined;
      },
      { what: "every raced child queued", timeoutMs: 15_000 },
    );
    const queued = await ctx.readAll(ctx.subjects.ofType("TaskQueued"));
    for (const c of children) expect(queued.filter((e) => e.taskId === c)).toHaveLength(1);
  });
});

describe("cascades", () => {
  it("a failed parent cancels its waiting descendants, and a retried parent does not revive them", async () => {
    const parent = await submit("FAIL once", { runAt: new Date(Date.now() + 300).toISOString() });
    const child = await chain(parent, "child");
    const grandchild = await chain(child, "grandchild");
    await until(child, "TaskAwaitingParent");
    const hc = await until(child, "TaskCancelled");
    const hg = await until(grandchild, "TaskCancelled");
    expect(hc.find((e) => e.type === "TaskCancelled")).toMatchObject({ reason: "parent-failed" });
    expect(hg.find((e) => e.type === "TaskCancelled")).toMatchObject({ reason: "parent-cancelled" });

    await ctx.publish(ev.retryRequested({ taskId: parent, gen: 2, at: now() }));
    await until(parent, "TaskCompleted"); // "FAIL once": the second generation completes
    // Once the scheduler has handled that completion (its consumer's ack floor is past it), look at the child.
    const completed = await lastEvent(ctx.jsm, ctx.names, ctx.subjects, parent, "TaskCompleted");
    await waitFor(async () => {
      const info = await ctx.jsm.consumers.info(ctx.names.stream, `${ctx.names.consumerPrefix}scheduler-completed`);
      return info.ack_floor.stream_seq >= (completed?.seq ?? Infinity);
    });
    expect(types(await ctx.history(child))).not.toContain("TaskQueued");
    expect(types(await ctx.history(grandchild))).not.toContain("TaskQueued");
  });

  it("a cancelled parent cancels its waiting children with parent-cancelled", async () => {
    const parent = await submit("slow", { runAt: new Date(Date.now() + 60_000).toISOString() });
    const child = await chain(parent, "child");
    await until(child, "TaskAwaitingParent");
    await ctx.publish(ev.cancelled({ taskId: parent, reason: "user", at: now() }));
    const h = await until(child, "TaskCancelled");
    expect(h.at(-1)).toMatchObject({ type: "TaskCancelled", reason: "parent-cancelled" });
  });

  it("a chain onto a parent that is already gone is cancelled", async () => {
    const missing = randomUUID();
    const child = await chain(missing, "orphan");
    const h = await until(child, "TaskCancelled");
    expect(h.at(-1)).toMatchObject({ reason: "parent-not-found" });
  });
});

describe("a chain whose rendered input is too large", () => {
  const tooLong = "prompt_too_long: the rendered prompt is 1100000 characters; the limit is 200000";

  it("is cancelled saying the rendered length and the limit when its parent completes, not left waiting", async () => {
    // 1,000 characters of output, 1,100 tokens: the reproduction from issue 11.
    const parent = await submit("x".repeat(995), { runAt: new Date(Date.now() + 300).toISOString() });
    const child = await chain(parent, "{{parent.output}}".repeat(1100));
    await until(child, "TaskAwaitingParent");
    const h = await until(child, "TaskCancelled");
    expect(h.at(-1)).toMatchObject({ type: "TaskCancelled", reason: tooLong });
    expect(types(h)).not.toContain("TaskQueued");
  });

  it("is cancelled at once when chained onto a parent that has already completed", async () => {
    const parent = await submit("x".repeat(995));
    await until(parent, "TaskCompleted");
    const child = await chain(parent, "{{parent.output}}".repeat(1100));
    const h = await until(child, "TaskCancelled");
    expect(types(h)).toEqual(["TaskChained", "TaskCancelled"]);
    expect(h.at(-1)).toMatchObject({ reason: tooLong });
  });

  it("is queued with its input in the object store when it would not fit in one NATS message", async () => {
    const parent = await submit("😀".repeat(10_000)); // 40 kB of output
    await until(parent, "TaskCompleted");
    const child = await chain(parent, "{{parent.output}}".repeat(4), { system: "s".repeat(900_000) });
    const h = await until(child, "TaskQueued");
    const queued = h.find((e): e is EventOf<"TaskQueued"> => e.type === "TaskQueued");
    expect(queued?.input).toMatchObject({ prompt: "", system: null, inputRef: { name: `input/${child}/1` } });
    const ref = queued?.input.inputRef;
    if (ref === undefined) throw new Error("no inputRef");
    const body = await getInputBody(await openBodies(ctx.js, ctx.names, ctx.config), ref);
    expect(body).toEqual({ prompt: `out(${"😀".repeat(10_000)})`.repeat(4), system: "s".repeat(900_000) });
  });
});

describe("retry", () => {
  it("queues a failed task again as the next generation, counting attempts on", async () => {
    const taskId = await submit("FAIL");
    await until(taskId, "TaskFailed");
    await ctx.publish(ev.retryRequested({ taskId, gen: 2, at: now() }));
    const h = await waitFor(async () => {
      const hist = await ctx.history(taskId);
      return hist.filter((e) => e.type === "TaskQueued").length === 2 ? hist : undefined;
    });
    const second = h.filter((e): e is EventOf<"TaskQueued"> => e.type === "TaskQueued")[1];
    expect(second).toMatchObject({ gen: 2, attemptsBefore: 1, input: { prompt: "FAIL" } });
  });

  it("ignores a retry request for a generation that does not follow", async () => {
    const taskId = await submit("FAIL too");
    await until(taskId, "TaskFailed");
    await ctx.publish(ev.retryRequested({ taskId, gen: 5, at: now() }));
    const marker = await submit("marker");
    await until(marker, "TaskCompleted");
    const durable = `${ctx.names.consumerPrefix}scheduler-retry-requested`;
    await waitFor(async () => (await ctx.jsm.consumers.info(ctx.names.stream, durable)).num_pending === 0);
    expect((await ctx.history(taskId)).filter((e) => e.type === "TaskQueued")).toHaveLength(1);
  });
});
