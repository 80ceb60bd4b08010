import { randomUUID } from "node:crypto";
import type { EventOf, ModelInput, OutputDelta, TaskEvent } from "@taskjet/events";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "../cancellations.ts";
import { startExecutor } from "../executor.ts";
import { fakeOutput, fakeProvider } from "./fake.ts";
import type { LlmProvider } from "./provider.ts";

// The fake provider's markers, through the real executor on real NATS: what a newcomer without an API key
// sees happen to a task.
let ctx: TestContext;
let running: Awaited<ReturnType<typeof startExecutor>>;
let cancellations: ReturnType<typeof listenForCancellations>;
const fake = fakeProvider({ latencyMs: 5 });
/** The pieces the fake has streamed, per prompt. */
const streamed = new Map<string, string[]>();
const llm: LlmProvider = {
  name: "fake",
  generate: (req) =>
    fake.generate({
      ...req,
      onDelta(text, part) {
        streamed.set(req.prompt, [...(streamed.get(req.prompt) ?? []), text]);
        req.onDelta(text, part);
      },
    }),
};

beforeAll(async () => {
  ctx = await createTestContext("fakemarkers");
  cancellations = listenForCancellations(ctx.nc, ctx.subjects);
  running = await startExecutor(
    {
      ...ctx,
      llm,
      cancellations,
      executorId: "ex-fake",
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

/** Queues a task with this prompt, as the scheduler would; the prompt is made unique to the test run. */
async function queue(marked: string, maxAttempts = 3, input: Partial<ModelInput> = {}) {
  const taskId = randomUUID();
  const prompt = `${marked} ${taskId}`;
  await ctx.publish(ev.submitted({ taskId, prompt, maxAttempts }));
  const at = new Date().toISOString();
  await ctx.publish(ev.queued({ taskId, at, maxAttempts, input: { ...ev.queued().input, prompt, ...input } }));
  return { taskId, prompt };
}
const until = (taskId: string, type: TaskEvent["type"], timeoutMs = 10_000) => ctx.historyWith(taskId, type, timeoutMs);
// TaskWaiting left out: whether a task held ~1 s by a paused lane gets one is a matter of milliseconds.
const types = (h: TaskEvent[]) => h.map((e) => e.type).filter((t) => t !== "TaskWaiting");
const failures = (h: TaskEvent[]) => h.filter((e): e is EventOf<"TaskAttemptFailed"> => e.type === "TaskAttemptFailed");

describe("the fake provider's markers, through the executor", () => {
  it("[fake:rate-limit=2]: two 429s waited out (retry-after 1 s) without spending attempts, then completed", async () => {
    const { taskId, prompt } = await queue("[fake:rate-limit=2]");
    const h = await until(taskId, "TaskCompleted");
    expect(types(h)).toEqual([
      "TaskSubmitted",
      "TaskQueued",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskStarted",
      "TaskCompleted",
    ]);
    for (const f of failures(h)) {
      expect(f).toMatchObject({ error: { code: "rate_limited" }, retryable: true, countsAsAttempt: false });
      expect(Date.parse(f.retryAt ?? "") - Date.parse(f.at)).toBeGreaterThanOrEqual(1000);
    }
    expect(h.at(-1)).toMatchObject({ output: fakeOutput(prompt), attempt: 1 });
  });

  it("[fake:overloaded=1]: one 529, retried as a second attempt, then completed", async () => {
    const { taskId } = await queue("[fake:overloaded=1]");
    const h = await until(taskId, "TaskCompleted");
    expect(failures(h)).toEqual([
      expect.objectContaining({ attempt: 1, error: expect.objectContaining({ code: "overloaded" }), retryable: true }),
    ]);
    expect(h.at(-1)).toMatchObject({ type: "TaskCompleted", attempt: 2 });
  });

  it("[fake:overloaded=5] with two attempts: failed after both", async () => {
    const { taskId } = await queue("[fake:overloaded=5]", 2);
    const h = await until(taskId, "TaskFailed");
    expect(failures(h).map((f) => f.error.code)).toEqual(["overloaded", "overloaded"]);
    expect(h.at(-1)).toMatchObject({ type: "TaskFailed", attempts: 2, error: { code: "overloaded" } });
  });

  it("[fake:fail]: a permanent 400, failed at once", async () => {
    const { taskId } = await queue("[fake:fail]");
    const h = await until(taskId, "TaskFailed");
    expect(types(h)).toEqual(["TaskSubmitted", "TaskQueued", "TaskStarted", "TaskAttemptFailed", "TaskFailed"]);
    expect(h.at(-1)).toMatchObject({
      attempts: 1,
      error: { code: "invalid_request", message: expect.stringMatching(/fake:fail/) },
    });
  });

  it("[fake:slow=50]: the output grows on the output stream piece by piece, and a cancel stops it where it is", async () => {
    const { taskId, prompt } = await queue("[fake:slow=50]");
    const whole = fakeOutput(prompt);
    await waitFor(() => (streamed.get(prompt)?.length ?? 0) >= 3, { what: "three pieces streamed" });
    const deltas = await waitFor(async () => {
      const info = await ctx.jsm.streams.info(ctx.names.outputStream, { subjects_filter: ctx.subjects.output(taskId) });
      const n = info.state.subjects?.[ctx.subjects.output(taskId)] ?? 0;
      return n >= 2 && n;
    });
    expect(deltas).toBeGreaterThanOrEqual(2);
    expect(types(await ctx.history(taskId))).not.toContain("TaskCompleted");

    await ctx.publish(ev.cancelled({ taskId, at: new Date().toISOString(), reason: "watching was enough" }));
    const h = await until(taskId, "TaskAttemptFailed");
    const partial = failures(h)[0]?.output ?? "";
    expect(failures(h)[0]).toMatchObject({ error: { code: "cancelled" } });
    expect(partial).toBe(streamed.get(prompt)?.join(""));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(whole.length);
    expect(whole.startsWith(partial)).toBe(true);
    expect(types(h)).not.toContain("TaskCompleted");
  });
});

/** Every output delta of a task, in order. */
async function deltasOf(taskId: string): Promise<OutputDelta[]> {
  const deltas: OutputDelta[] = [];
  const c = await ctx.js.consumers.get(ctx.names.outputStream, { filter_subjects: ctx.subjects.output(taskId) });
  for await (const m of await c.consume()) {
    deltas.push(m.json());
    if (m.info.pending === 0) break;
  }
  return deltas;
}

describe("the fake provider's answers to the rest of the Messages API, through the executor", () => {
  const lookup = {
    name: "lookup",
    inputSchema: { type: "object" as const, properties: { q: { type: "string" } }, required: ["q"] },
  };

  it("calls a tool: completed with a tool_use block, its input streamed as tool_input deltas after the thinking", async () => {
    const { taskId } = await queue("find it", 3, { tools: [lookup], thinking: { type: "adaptive" } });
    const h = await until(taskId, "TaskCompleted");
    const completed = h.at(-1) as EventOf<"TaskCompleted">;
    expect(completed).toMatchObject({ stopReason: "tool_use", output: "" });
    expect(completed.content?.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(completed.content?.[1]).toMatchObject({ type: "tool_use", name: "lookup", input: { q: "sample q" } });
    const deltas = await deltasOf(taskId);
    expect([...new Set(deltas.map((d) => `${d.kind}:${d.block}`))]).toEqual(["thinking:0", "tool_input:1"]);
    const input = deltas.filter((d) => d.kind === "tool_input").map((d) => d.text);
    expect(JSON.parse(input.join(""))).toEqual({ q: "sample q" });
  });

  it("[fake:invalid-output=1] with an outputSchema: the first answer misses it and is retried into JSON that fits", async () => {
    const outputSchema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    const { taskId } = await queue("[fake:invalid-output=1] count", 3, { outputSchema });
    const h = await until(taskId, "TaskCompleted");
    expect(failures(h).map((f) => [f.attempt, f.error.code, f.retryable])).toEqual([[1, "output_invalid", true]]);
    expect(h.at(-1)).toMatchObject({ output: '{"n":1}', attempt: 2 });
  });
});
