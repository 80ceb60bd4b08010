import { randomUUID } from "node:crypto";
import type { EventOf, TaskEvent } from "@taskjet/events";
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
async function queue(marked: string, maxAttempts = 3) {
  const taskId = randomUUID();
  const prompt = `${marked} ${taskId}`;
  await ctx.publish(ev.submitted({ taskId, prompt, maxAttempts }));
  const at = new Date().toISOString();
  await ctx.publish(ev.queued({ taskId, at, maxAttempts, input: { ...ev.queued().input, prompt } }));
  return { taskId, prompt };
}
const until = (taskId: string, type: TaskEvent["type"], timeoutMs = 10_000) =>
  waitFor(
    async () => {
      const h = await ctx.history(taskId);
      return h.some((e) => e.type === type) ? h : undefined;
    },
    { timeoutMs, what: `${type} for ${taskId}` },
  );
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
