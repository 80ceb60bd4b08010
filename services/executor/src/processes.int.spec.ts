import { randomUUID } from "node:crypto";
import type { EventOf, TaskEvent } from "@taskjet/events";
import {
  createTestContext,
  ev,
  type Reply,
  spawnedServices,
  startFakeLlm,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { executorDurable, startExecutor } from "./executor.ts";
import { fakeOutput, fakeProvider } from "./providers/fake.ts";
import type { LlmProvider } from "./providers/provider.ts";

let ctx: TestContext;
let fake: Awaited<ReturnType<typeof startFakeLlm>>;
const script = new Map<string, Reply[]>();
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("exproc");
  fake = await startFakeLlm((req) => script.get(req.prompt)?.shift() ?? { kind: "message", text: "default" });
});
afterEach(() => services.killAll());
afterAll(async () => {
  await fake.close();
  await ctx.cleanup();
});

function executor(id: string, env: Record<string, string> = {}) {
  const p = services.spawn("executor", {
    ...ctx.env,
    LLM_PROVIDER: "anthropic",
    ANTHROPIC_API_KEY: "sk-test",
    ANTHROPIC_BASE_URL: fake.url,
    ACK_WAIT_SECONDS: "2",
    EXECUTOR_ID: id,
    ...env,
  });
  return p;
}

async function queue(replies: Reply[], maxAttempts = 3) {
  const taskId = randomUUID();
  const prompt = `prompt ${taskId}`;
  script.set(prompt, replies);
  await ctx.publish(ev.submitted({ taskId, prompt }));
  await ctx.publish(ev.queued({ taskId, maxAttempts, input: { ...ev.queued().input, prompt } }));
  return { taskId, prompt };
}
const seenBy = (prompt: string) => fake.requests.filter((r) => r.prompt === prompt);
const ofType = <T extends TaskEvent["type"]>(h: TaskEvent[], type: T) =>
  h.filter((e): e is EventOf<T> => e.type === type);
const untilCompleted = (taskId: string) =>
  waitFor(
    async () => {
      const h = await ctx.history(taskId);
      return h.some((e) => e.type === "TaskCompleted") ? h : undefined;
    },
    { timeoutMs: 20_000, what: `TaskCompleted of ${taskId}` },
  );
const slow: Reply = { kind: "message", text: "a long generation in many pieces", pieces: 20, pieceDelayMs: 250 };

describe("executor processes", () => {
  it("killed mid-call: the task is redelivered after ack_wait and completes once, on another executor", async () => {
    const first = executor("ex-a");
    await first.ready;
    const { taskId, prompt } = await queue([slow, { kind: "message", text: "done by b" }]);
    await waitFor(() => seenBy(prompt)[0], { what: "the call to reach the provider" });
    first.child.kill("SIGKILL");
    await first.exited;
    executor("ex-b");
    const h = await untilCompleted(taskId);
    const started = ofType(h, "TaskStarted");
    expect(started.map((e) => [e.executorId, e.attempt])).toEqual([
      ["ex-a", 1],
      ["ex-b", 1], // a crash is not the task's failure: the interrupted attempt is made again
    ]);
    expect(started[1]?.delivery).toBeGreaterThan(started[0]?.delivery ?? Infinity);
    expect(ofType(h, "TaskCompleted")).toHaveLength(1);
    expect(ofType(h, "TaskCompleted")[0]).toMatchObject({ output: "done by b", attempt: 1 });
    expect(ofType(h, "TaskFailed")).toHaveLength(0);
    expect(seenBy(prompt)).toHaveLength(2);
    expect(seenBy(prompt)[0]?.closedByClient).toBe(true); // the dead process's connection went with it
    // Nothing more can arrive: the work consumer holds nothing for anyone to finish again.
    await waitFor(
      async () => {
        const info = await ctx.jsm.consumers.info(ctx.names.stream, executorDurable(ctx.names.consumerPrefix));
        return info.num_ack_pending === 0 && info.num_pending === 0;
      },
      { what: "the work consumer drained" },
    );
    expect(ofType(await ctx.history(taskId), "TaskCompleted")).toHaveLength(1);
  });

  it("a generation longer than ack_wait is not redelivered while its executor is alive", async () => {
    executor("ex-long");
    executor("ex-idle"); // would take a redelivery, were there one
    const { taskId, prompt } = await queue([slow, { kind: "message", text: "a second call" }]);
    const h = await untilCompleted(taskId); // 20 pieces × 250 ms = 5 s, against a 2 s ack_wait
    expect(ofType(h, "TaskStarted")).toHaveLength(1);
    expect(ofType(h, "TaskCompleted")[0]?.output).toBe("a long generation in many pieces");
    expect(seenBy(prompt)).toHaveLength(1);
  });

  it("a cancel reaches whichever of several executor processes holds the call", async () => {
    const all = [executor("ex-1"), executor("ex-2"), executor("ex-3")];
    await Promise.all(all.map((p) => p.ready));
    const { taskId, prompt } = await queue([slow]);
    await waitFor(() => seenBy(prompt)[0], { what: "the call to reach the provider" });
    await ctx.publish(ev.cancelled({ taskId, at: new Date().toISOString(), reason: "user" }));
    await waitFor(() => seenBy(prompt)[0]?.closedByClient, { what: "the call aborted" });
    expect(seenBy(prompt)[0]?.piecesSent).toBeLessThan(20); // mid-generation, not at its end
    const h = await waitFor(async () => {
      const hist = await ctx.history(taskId);
      return hist.some((e) => e.type === "TaskAttemptFailed") ? hist : undefined;
    });
    expect(ofType(h, "TaskAttemptFailed")[0]).toMatchObject({ error: { code: "cancelled" }, retryable: false });
    expect(ofType(h, "TaskCompleted")).toHaveLength(0);
  });

  it("SIGTERM past the grace period hands the call back at once, not after ack_wait", async () => {
    const leaving = executor("ex-leaving", { SHUTDOWN_GRACE_SECONDS: "0.2", ACK_WAIT_SECONDS: "30" });
    await leaving.ready;
    const { taskId, prompt } = await queue([slow, { kind: "message", text: "done by the stayer" }]);
    await waitFor(() => seenBy(prompt)[0], { what: "the call to reach the provider" });
    leaving.child.kill("SIGTERM");
    expect(await leaving.exited).toBe(0);
    const stayer = executor("ex-stayer", { ACK_WAIT_SECONDS: "30" });
    await stayer.ready;
    // With a 30 s ack_wait, only the nak on shutdown can bring the task back within the 20 s wait.
    const h = await untilCompleted(taskId);
    // Before delivery ids were the consumer's sequence, the stayer's TaskStarted was dropped as a duplicate:
    // NATS 2.9 hands the nak'd message out again with delivery count 1.
    expect(ofType(h, "TaskStarted").map((e) => e.executorId)).toEqual(["ex-leaving", "ex-stayer"]);
    expect(ofType(h, "TaskCompleted")[0]).toMatchObject({ output: "done by the stayer" });
    expect(ofType(h, "TaskAttemptFailed")).toHaveLength(0); // a shutdown is not the task's failure
    expect(seenBy(prompt)[0]?.closedByClient).toBe(true);
    expect(leaving.lines.join("\n")).toMatch(/handing in-flight messages back/);
  });
});

describe("thousands in flight", () => {
  it("one executor holds 2,000 calls of 1 s at once and completes every task once", async () => {
    const n = 2000;
    const inner = fakeProvider({ latencyMs: 1000 });
    let inFlight = 0;
    let peak = 0;
    const llm: LlmProvider = {
      name: "counting",
      async generate(req) {
        peak = Math.max(peak, ++inFlight);
        try {
          return await inner.generate(req);
        } finally {
          inFlight--;
        }
      },
    };
    const cancellations = listenForCancellations(ctx.nc, ctx.subjects);
    const running = await startExecutor(
      {
        ...ctx,
        llm,
        cancellations,
        executorId: "ex-2000",
        now: () => new Date(),
        random: Math.random,
      },
      { concurrency: n, ackWaitMs: 30_000 },
    );
    try {
      const ids = new Set<string>(Array.from({ length: n }, () => randomUUID()));
      const events = [...ids].flatMap((taskId) => [
        ev.submitted({ taskId, prompt: `bulk ${taskId}` }),
        ev.queued({ taskId, input: { ...ev.queued().input, prompt: `bulk ${taskId}` } }),
      ]);
      for (let i = 0; i < events.length; i += 1000) {
        await Promise.all(events.slice(i, i + 1000).map((e) => ctx.publish(e)));
      }
      const completed = await waitFor(
        async () => {
          const all = await ctx.readAll(ctx.subjects.ofType("TaskCompleted"));
          const mine = all.filter((e) => ids.has(e.taskId));
          return mine.length >= n ? mine : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, what: `${n} completions` },
      );
      expect(new Set(completed.map((e) => e.taskId)).size).toBe(n);
      expect(completed).toHaveLength(n);
      expect(completed.every((e) => e.type === "TaskCompleted" && e.output === fakeOutput(`bulk ${e.taskId}`))).toBe(
        true,
      );
      expect(peak).toBe(n);
    } finally {
      await running.stop(1000);
      cancellations.close();
    }
  });
});

describe("batch-mode executor processes", () => {
  it("killed after sending a batch: another executor takes the batch over and completes its tasks once", async () => {
    fake.holdBatches(true);
    try {
      const env = { BATCH_WINDOW_MS: "100", BATCH_POLL_MS: "100" };
      const first = executor("ex-batch-a", env);
      await first.ready;
      const ids = Array.from({ length: 3 }, () => randomUUID());
      for (const taskId of ids) {
        const prompt = `batched ${taskId}`;
        script.set(prompt, [{ kind: "message", text: `batch answer ${taskId}` }]);
        await ctx.publish(ev.submitted({ taskId, prompt, mode: "batch" }));
        await ctx.publish(ev.queued({ taskId, mode: "batch", input: { ...ev.queued().input, prompt } }));
      }
      await Promise.all(ids.map((id) => ctx.historyWith(id, "TaskBatched")));
      first.child.kill("SIGKILL");
      await first.exited;
      const second = executor("ex-batch-b", env);
      await second.ready;
      const mine = () => fake.batches.filter((b) => b.customIds.some((c) => ids.some((id) => c.startsWith(id))));
      for (const b of mine()) fake.endBatches(b.id);
      for (const id of ids) {
        const h = await ctx.historyWith(id, "TaskCompleted", 30_000); // once the killed executor's lease lapses
        expect(ofType(h, "TaskCompleted")).toHaveLength(1);
        expect(ofType(h, "TaskCompleted")[0]?.output).toBe(`batch answer ${id}`);
        expect(ofType(h, "TaskBatched").map((e) => e.executorId)).toEqual(["ex-batch-a"]);
      }
      expect(mine().map((b) => b.resultReads)).toEqual(mine().map(() => 1));
      expect(mine().flatMap((b) => b.customIds)).toHaveLength(3); // sent once, by the killed executor
    } finally {
      fake.holdBatches(false);
    }
  });
});
