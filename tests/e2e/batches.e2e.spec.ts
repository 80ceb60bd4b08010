import { costUsd, DEFAULT_PRICES, type TaskEvent } from "@taskjet/events";
import { anthropicProvider } from "@taskjet/executor";
import {
  createTestContext,
  type Reply,
  type SeenRequest,
  startFakeLlm,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { finishedTask, postJson, startSystem } from "./system.ts";

/**
 * Message Batches end to end: tasks submitted over HTTP with `mode: "batch"` go through the scheduler to the
 * executor, which sends them through the real Anthropic SDK's `messages.batches` to the testkit's fake server,
 * polls, and completes them from the results; the projector shows them in the read model.
 */
let ctx: TestContext;
let fake: Awaited<ReturnType<typeof startFakeLlm>>;
const scripts = new Map<string, (seen: SeenRequest) => Reply>();
const seenFor = (token: string) =>
  fake.batches.flatMap((b) => b.requests).filter((r) => JSON.stringify(r.body).includes(token));

function replyTo(seen: SeenRequest): Reply {
  const body = JSON.stringify(seen.body);
  for (const [token, script] of scripts) if (body.includes(token)) return script(seen);
  return { kind: "message", text: `answer to ${seen.prompt}`, inputTokens: 1000 };
}

type Task = { id: string; status: string; mode: string; batchId: string | null; costUsd: number; [k: string]: unknown };

beforeAll(async () => {
  ctx = await createTestContext("e2ebatches");
  fake = await startFakeLlm(replyTo);
});
// A test that holds the fake's batches lets them go again, passed or failed.
afterEach(() => fake.holdBatches(false));
afterAll(async () => {
  await fake.close();
  await ctx.cleanup();
});

/** One system per block: each sizes its batches for what it checks (a window never closes by time in tests). */
function withSystem(batch: { windowMs: number; maxRequests: number }, opts: { builtInFake?: boolean } = {}) {
  const s = { baseUrl: "", stop: async () => undefined as unknown };
  beforeAll(async () => {
    const llm = anthropicProvider({ apiKey: "sk-test", baseURL: fake.url });
    const price = (model: string, usage: Parameters<typeof costUsd>[1], o?: { batch?: boolean }) =>
      costUsd(model, usage, DEFAULT_PRICES, o);
    const system = await startSystem(ctx, {
      ...(opts.builtInFake ? {} : { llm }),
      price,
      batch: { ...batch, pollMs: 50, leaseMs: 2000 },
    });
    s.baseUrl = system.baseUrl;
    s.stop = system.stop;
  });
  afterAll(() => s.stop());
  const submit = async (body: Record<string, unknown>) => {
    const res = await postJson(`${s.baseUrl}/tasks`, { mode: "batch", ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id;
  };
  const task = async (id: string) => (await (await fetch(`${s.baseUrl}/tasks/${id}`)).json()) as Task;
  const cancel = (id: string) => postJson(`${s.baseUrl}/tasks/${id}/cancel`, { reason: "not needed" });
  return { s, submit, task, cancel, finished: (id: string) => finishedTask<Task>(s.baseUrl, id) };
}

const types = (h: TaskEvent[]) => h.map((e) => e.type);
/** How many of the tasks the read model has finished: one query, however many tasks. */
const finishedIn = async (ids: string[]) =>
  (
    await ctx.db
      .selectFrom("tasks")
      .select("id")
      .where("id", "in", ids)
      .where("status", "in", ["completed", "failed", "cancelled"])
      .execute()
  ).length;

describe("100 batch-mode tasks", () => {
  const sys = withSystem({ windowMs: 60_000, maxRequests: 100 });

  it("go out as one batch request and all complete, at half price", async () => {
    const model = "claude-sonnet-4-5";
    const before = fake.batches.length;
    const tasks = Array.from({ length: 100 }, (_, i) => ({ prompt: `hundred ${i}`, model, mode: "batch" }));
    const res = await postJson(`${sys.s.baseUrl}/tasks/batch`, { tasks });
    expect(res.status).toBe(202);
    const ids = (res.body.tasks as unknown as { id: string; mode: string }[]).map((t) => t.id);
    await waitFor(async () => (await finishedIn(ids)) === ids.length, {
      what: "100 tasks finished",
      timeoutMs: 30_000,
    });
    const done = await Promise.all(ids.map((id) => sys.task(id)));
    expect(done.map((t) => t.status)).toEqual(ids.map(() => "completed"));
    const sent = fake.batches.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.requests).toHaveLength(100);
    expect(new Set(sent[0]?.customIds.map((c) => c.slice(0, 36)))).toEqual(new Set(ids));
    for (const t of done) {
      expect(t).toMatchObject({ mode: "batch", batchId: sent[0]?.id, attempts: 1 });
      expect(t.output).toBe(`answer to ${t.prompt}`);
      const usage = t.usage as { inputTokens: number; outputTokens: number };
      const full = costUsd(model, usage, DEFAULT_PRICES) as number;
      expect(t.costUsd).toBeCloseTo(full / 2, 12);
      expect(t.costUsd).toBeGreaterThan(0);
    }
    const h = await ctx.history(ids[0] as string);
    expect(types(h)).toEqual(["TaskSubmitted", "TaskQueued", "TaskBatched", "TaskCompleted"]);
  });
});

describe("cancellation", () => {
  const sys = withSystem({ windowMs: 60_000, maxRequests: 3 });

  /** Work items the executor holds unacked: tasks waiting in a pending batch. */
  const held = async () =>
    (await ctx.jsm.consumers.info(ctx.names.stream, `${ctx.names.consumerPrefix}executor`)).num_ack_pending;

  it("a cancel before submission takes the task out of the pending batch: the provider never sees it", async () => {
    const model = "claude-haiku-4-5";
    const first = await sys.submit({ prompt: "pending one", model });
    const second = await sys.submit({ prompt: "pending two", model });
    await waitFor(async () => (await held()) === 2, { what: "two tasks pending in a batch" });
    expect((await sys.cancel(first)).status).toBe(202);
    await waitFor(async () => (await held()) === 1, { what: "the cancelled task out of the batch" });
    const third = await sys.submit({ prompt: "pending three", model });
    const fourth = await sys.submit({ prompt: "pending four", model });
    for (const id of [second, third, fourth]) expect((await sys.finished(id)).status).toBe("completed");
    expect((await sys.finished(first)).status).toBe("cancelled");
    const batch = fake.batches.find((b) => b.customIds.some((c) => c.startsWith(second)));
    expect(batch?.customIds.map((c) => c.slice(0, 36)).sort()).toEqual([second, third, fourth].sort());
    expect(seenFor("pending one")).toHaveLength(0);
  });

  it("a cancel after submission cancels the task at once; its result is ignored when it arrives", async () => {
    fake.holdBatches(true);
    const model = "claude-opus-4-5";
    const ids = [
      await sys.submit({ prompt: "sent one", model }),
      await sys.submit({ prompt: "sent two", model }),
      await sys.submit({ prompt: "sent three", model }),
    ];
    const running = await waitFor(
      async () => {
        const ts = await Promise.all(ids.map(sys.task));
        return ts.every((t) => t.status === "running" && t.batchId) ? ts : undefined;
      },
      { what: "three tasks running in a batch" },
    );
    const batchId = running[0]?.batchId as string;
    expect(new Set(running.map((t) => t.batchId))).toEqual(new Set([batchId]));
    expect((await sys.cancel(ids[0] as string)).status).toBe(202);
    expect((await sys.finished(ids[0] as string)).status).toBe("cancelled");
    fake.endBatches(batchId);
    for (const id of ids.slice(1)) expect((await sys.finished(id)).status).toBe("completed");
    // The cancelled task's request was answered and paid for: its cost is kept, its output is not.
    const cancelled = await waitFor(async () => {
      const h = await ctx.history(ids[0] as string);
      return h.some((e) => e.type === "TaskAttemptFailed") ? h : undefined;
    });
    expect(types(cancelled).filter((t) => t === "TaskCompleted")).toEqual([]);
    expect(fake.batches.find((b) => b.id === batchId)?.cancelledAt).toBeNull();
  });

  it("cancelling every task of a batch cancels the batch at the provider", async () => {
    fake.holdBatches(true);
    const model = "claude-3-haiku";
    const ids = [
      await sys.submit({ prompt: "all one", model }),
      await sys.submit({ prompt: "all two", model }),
      await sys.submit({ prompt: "all three", model }),
    ];
    const batchId = await waitFor(async () => {
      const ts = await Promise.all(ids.map(sys.task));
      return ts.every((t) => t.status === "running") ? ts[0]?.batchId : undefined;
    });
    for (const id of ids) expect((await sys.cancel(id)).status).toBe(202);
    const batch = await waitFor(() => fake.batches.find((b) => b.id === batchId && b.cancelledAt !== null), {
      what: "the batch cancelled at the fake",
    });
    expect(batch.status).toBe("ended");
    for (const id of ids) expect((await sys.finished(id)).status).toBe("cancelled");
  });
});

describe("retries", () => {
  const sys = withSystem({ windowMs: 100, maxRequests: 1000 });

  it("an errored result is retried by policy into a later batch, and completes", async () => {
    let calls = 0;
    scripts.set("flaky batch", () =>
      ++calls === 1
        ? { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" }
        : { kind: "message", text: "second time lucky" },
    );
    const id = await sys.submit({ prompt: "flaky batch", maxAttempts: 3 });
    const t = await sys.finished(id);
    expect(t).toMatchObject({ status: "completed", output: "second time lucky", attempts: 2 });
    const h = await ctx.history(id);
    expect(types(h)).toEqual([
      "TaskSubmitted",
      "TaskQueued",
      "TaskBatched",
      "TaskAttemptFailed",
      "TaskBatched",
      "TaskCompleted",
    ]);
    const batched = h.filter((e) => e.type === "TaskBatched");
    expect(batched[0]?.batchId).not.toBe(batched[1]?.batchId);
    expect(h.find((e) => e.type === "TaskAttemptFailed")).toMatchObject({
      error: { code: "overloaded" },
      retryable: true,
    });
    expect(seenFor("flaky batch")).toHaveLength(2);
  });

  it("a batch request the provider refuses fails the task at once", async () => {
    scripts.set("refused batch", () => ({ kind: "error", status: 400, type: "invalid_request_error", message: "no" }));
    const id = await sys.submit({ prompt: "refused batch", maxAttempts: 3 });
    const t = await sys.finished(id);
    expect(t).toMatchObject({ status: "failed", error: { code: "invalid_request", message: "no" }, attempts: 1 });
  });

  it("mode batch on a provider without a batch API is a 400", async () => {
    const res = await postJson(`${sys.s.baseUrl}/tasks`, { prompt: "x", mode: "batch", provider: "openai" });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("body.mode");
  });
});

describe("the built-in fake provider (what `npm start` runs without a key)", () => {
  const sys = withSystem({ windowMs: 100, maxRequests: 1000 }, { builtInFake: true });

  it("answers batches too, its markers included", async () => {
    const ok = await sys.submit({ prompt: "fake batch hello" });
    const failed = await sys.submit({ prompt: "[fake:fail] fake batch no" });
    expect(await sys.finished(ok)).toMatchObject({ status: "completed", output: "Fake reply to: fake batch hello" });
    expect(await sys.finished(failed)).toMatchObject({ status: "failed", error: { code: "invalid_request" } });
    expect((await sys.task(ok)).batchId).toMatch(/^msgbatch_fake_/);
  });
});
