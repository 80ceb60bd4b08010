import { randomUUID } from "node:crypto";
import type { TaskEvent } from "@taskjet/events";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { fakeOutput, fakeProvider } from "./providers/fake.ts";
import { type LlmProvider, ProviderError } from "./providers/provider.ts";

let ctx: TestContext;
let running: Awaited<ReturnType<typeof startExecutor>>;
let cancellations: ReturnType<typeof listenForCancellations>;
const fake = fakeProvider({ latencyMs: 5 });

/** The fake provider, except that prompts naming a failure fail that way. */
const llm: LlmProvider = {
  name: "scripted",
  async generate(req) {
    if (req.prompt === "overloaded")
      throw new ProviderError("Overloaded", { kind: "http", status: 529, type: "overloaded_error" });
    if (req.prompt === "bad request")
      throw new ProviderError("max_tokens too large", { kind: "http", status: 400, type: "invalid_request_error" });
    return fake.generate(req);
  },
};

beforeAll(async () => {
  ctx = await createTestContext("executor");
  cancellations = listenForCancellations(ctx.nc, ctx.subjects);
  running = await startExecutor(
    {
      ...ctx,
      llm,
      cancellations,
      executorId: "ex-test",
      now: () => new Date(),
      random: () => 0,
    },
    { concurrency: 16, ackWaitMs: 5000 },
  );
});
afterAll(async () => {
  await running.stop(1000);
  cancellations.close();
  await ctx.cleanup();
});

const untilTerminal = (taskId: string) =>
  waitFor(async () => {
    const h = await ctx.history(taskId);
    return h.some((e) => e.type === "TaskCompleted" || e.type === "TaskFailed") ? h : undefined;
  });
const types = (events: TaskEvent[]) => events.map((e) => e.type);

describe("executor", () => {
  it("runs a queued task: started, then completed with output and usage", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt: "ping" } }));
    const history = await untilTerminal(taskId);
    expect(types(history)).toEqual(["TaskSubmitted", "TaskQueued", "TaskStarted", "TaskCompleted"]);
    expect(history[2]).toMatchObject({ attempt: 1, executorId: "ex-test" });
    expect(history[3]).toMatchObject({
      output: fakeOutput("ping"),
      stopReason: "end_turn",
      usage: { outputTokens: 4 },
    }); // "Fake reply to: ping"
  });

  it("sends no delta for a call that ends inside the first window: its completed event carries the output", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt: "quick one" } }));
    const history = await untilTerminal(taskId);
    expect(history.find((e) => e.type === "TaskCompleted")).toMatchObject({ output: fakeOutput("quick one") });
    const info = await ctx.jsm.streams.info(ctx.names.outputStream, { subjects_filter: ctx.subjects.output(taskId) });
    expect(info.state.subjects?.[ctx.subjects.output(taskId)] ?? 0).toBe(0);
  });

  it("streams a longer call's output as indexed deltas", async () => {
    const taskId = randomUUID();
    const prompt = "stream me [fake:slow=5]";
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt } }));
    await untilTerminal(taskId);
    const texts: { index: number; text: string }[] = [];
    const info = await ctx.jsm.streams.info(ctx.names.outputStream, { subjects_filter: ctx.subjects.output(taskId) });
    expect(info.state.subjects?.[ctx.subjects.output(taskId)]).toBeGreaterThan(0);
    const c = await ctx.js.consumers.get(ctx.names.outputStream, { filter_subjects: ctx.subjects.output(taskId) });
    for await (const m of await c.consume()) {
      texts.push(m.json());
      if (m.info.pending === 0) break;
    }
    expect(texts.map((t) => t.index)).toEqual(texts.map((_, i) => i));
    expect(texts.map((t) => t.text).join("")).toBe(fakeOutput(prompt));
  });

  it("retries a retryable failure by redelivery until maxAttempts, then fails", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId, maxAttempts: 2, input: { ...ev.queued().input, prompt: "overloaded" } }));
    const history = await untilTerminal(taskId);
    expect(types(history)).toEqual([
      "TaskSubmitted",
      "TaskQueued",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskFailed",
    ]);
    expect(history.filter((e) => e.type === "TaskStarted").map((e) => e.type === "TaskStarted" && e.attempt)).toEqual([
      1, 2,
    ]);
    expect(history[3]).toMatchObject({ error: { code: "overloaded" }, retryable: true });
    expect(history[5]).toMatchObject({ retryable: false, retryAt: null });
    expect(history[6]).toMatchObject({ attempts: 2, error: { code: "overloaded", message: "Overloaded" } });
  });

  it("fails a non-retryable error at once with the provider's message", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt: "bad request" } }));
    const history = await untilTerminal(taskId);
    expect(types(history)).toEqual(["TaskSubmitted", "TaskQueued", "TaskStarted", "TaskAttemptFailed", "TaskFailed"]);
    expect(history[4]).toMatchObject({
      attempts: 1,
      error: { code: "invalid_request", message: "max_tokens too large" },
    });
  });

  it("skips a task cancelled before it started", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.cancelled({ taskId }));
    await ctx.publish(ev.queued({ taskId }));
    // The consumer acknowledges it without running it.
    const durable = `${ctx.names.consumerPrefix}executor`;
    await waitFor(async () => {
      const info = await ctx.jsm.consumers.info(ctx.names.stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect(types(await ctx.history(taskId))).toEqual(["TaskSubmitted", "TaskCancelled", "TaskQueued"]);
  });
});
