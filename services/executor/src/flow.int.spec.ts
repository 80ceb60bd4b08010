import { randomUUID } from "node:crypto";
import type { KV } from "@nats-io/kv";
import {
  costUsd,
  type EventOf,
  ExecutorQueue,
  flowKeys,
  LaneState,
  resolvePrices,
  type TaskEvent,
  TenantUsage,
} from "@taskjet/events";
import { openBucket } from "@taskjet/runtime";
import { createTestContext, ev, freePort, type Reply, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { anthropicProvider } from "./providers/anthropic.ts";

/** Flow control through the real Anthropic SDK against the fake Messages API: lanes, pauses, holding. */
describe("flow control × the fake Messages API", () => {
  let ctx: TestContext;
  let kv: KV;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  let running: Awaited<ReturnType<typeof startExecutor>>;
  let cancellations: ReturnType<typeof listenForCancellations>;
  const script = new Map<string, Reply[]>();
  let metricsPort = 0;
  // One priced model, $1 per thousand tokens each way, so one call passes a cent; the others cost nothing.
  const prices = resolvePrices({ models: { "claude-usd": { input: 1000, output: 1000 } } });

  beforeAll(async () => {
    metricsPort = await freePort();
    ctx = await createTestContext("flow");
    kv = await openBucket(ctx.js, ctx.names, "flow", { STREAM_REPLICAS: 1 });
    fake = await startFakeLlm((req) => {
      const replies = script.get(req.prompt) ?? [];
      return (replies.length > 1 ? replies.shift() : replies[0]) ?? { kind: "message", text: "default" };
    });
    cancellations = listenForCancellations(ctx.nc, ctx.subjects);
    running = await startExecutor(
      {
        ...ctx,
        llm: anthropicProvider({ apiKey: "sk-test", baseURL: fake.url }),
        cancellations,
        executorId: "ex-flow",
        now: () => new Date(),
        random: Math.random,
        price: (model, usage) => costUsd(model, usage, prices),
      },
      // A lane limited to 2 calls at once by configuration; every other lane only by what the provider says.
      {
        ...{ concurrency: 16, ackWaitMs: 5000 },
        laneLimits: { "anthropic/claude-two": { concurrency: 2 }, "anthropic/claude-one": { concurrency: 1 } },
        ...{ metricsPort, metricsHost: "127.0.0.1" },
      },
    );
  });
  afterAll(async () => {
    await running.stop(1000);
    cancellations.close();
    await fake.close();
    await ctx.cleanup();
  });

  async function queue(
    model: string,
    replies: Reply[],
    o: { maxAttempts?: number; tenant?: string; priority?: "low" | "normal" | "high" } = {},
  ) {
    const taskId = randomUUID();
    const prompt = `prompt ${taskId}`;
    script.set(prompt, replies);
    await ctx.publish(ev.submitted({ taskId, prompt }));
    const input = { prompt, model, maxTokens: 100, system: null, temperature: null };
    await ctx.publish(
      ev.queued({
        ...{ taskId, at: new Date().toISOString(), maxAttempts: o.maxAttempts ?? 1, timeoutMs: 30_000, input },
        tenant: o.tenant ?? "default",
        priority: o.priority ?? "normal",
      }),
    );
    return { taskId, prompt };
  }
  const until = (taskId: string, type: TaskEvent["type"]) => ctx.historyWith(taskId, type, 20_000);
  const seenBy = (prompt: string) => fake.requests.filter((r) => r.prompt === prompt);
  const laneState = async (lane: string) => {
    const e = await kv.get(flowKeys.lane(lane));
    return e?.operation === "PUT" ? LaneState.parse(e.json()) : null;
  };
  const of = <T extends TaskEvent["type"]>(h: TaskEvent[], type: T) =>
    h.filter((e): e is EventOf<T> => e.type === type);

  it("a 429 pauses the whole lane ≥ retry-after; the task then completes without spending an attempt", async () => {
    const model = "claude-paused";
    const lane = `anthropic/${model}`;
    const reset = new Date(Date.now() + 2000).toISOString();
    const limited: Reply = {
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "Number of requests has exceeded your per-minute rate limit",
      headers: {
        "retry-after": "2",
        "anthropic-ratelimit-requests-limit": "600",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": reset,
      },
    };
    const first = await queue(model, [limited, { kind: "message", text: "after the pause" }]);
    const paused = await waitFor(async () => {
      const s = await laneState(lane);
      return s?.pausedUntil ? s : undefined;
    });
    const limitedAt = seenBy(first.prompt)[0]?.at ?? 0;
    expect(paused.pausedUntil).toBeGreaterThanOrEqual(limitedAt + 2000);
    expect(paused.learned.requests).toBe(600); // learned from the 429's headers
    expect(paused.totals.rateLimited).toBe(1);

    // Another task of the same lane, queued during the pause, waits for it too: the lane is paused, not the task.
    const second = await queue(model, [{ kind: "message", text: "also after the pause" }]);
    const [h1, h2] = await Promise.all([until(first.taskId, "TaskCompleted"), until(second.taskId, "TaskCompleted")]);

    const retried = seenBy(first.prompt)[1];
    expect(retried?.at).toBeGreaterThanOrEqual(limitedAt + 2000);
    expect(seenBy(second.prompt)[0]?.at).toBeGreaterThanOrEqual(limitedAt + 2000);
    expect(of(h1, "TaskAttemptFailed")).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: "rate_limited" }), countsAsAttempt: false }),
    ]);
    // maxAttempts 1, and still completed: the 429 spent nothing.
    expect(h1.at(-1)).toMatchObject({ type: "TaskCompleted", attempt: 1, output: "after the pause" });
    expect(of(h1, "TaskStarted").map((e) => e.attempt)).toEqual([1, 1]);
    // Held past a second by the pause: each says why, once, and until when.
    for (const h of [h1, h2]) {
      const waits = of(h, "TaskWaiting");
      expect(waits).toHaveLength(1);
      expect(waits[0]).toMatchObject({ reason: "rate_limited", lane });
      expect(Date.parse(waits[0]?.until ?? "")).toBe(paused.pausedUntil);
    }
  });

  it("a lane limited to 2 calls at once never has more than 2 in flight; the rest are held, then all complete", async () => {
    const model = "claude-two";
    const slow: Reply = { kind: "message", text: "one two three four", pieces: 4, pieceDelayMs: 100 };
    const tasks = await Promise.all(Array.from({ length: 8 }, () => queue(model, [slow])));
    const histories = await Promise.all(tasks.map((t) => until(t.taskId, "TaskCompleted")));
    // A call lasts from its request at the fake to its TaskCompleted (decided once the reply ended).
    const calls = tasks.map((t, i) => ({
      from: seenBy(t.prompt)[0]?.at ?? 0,
      to: Date.parse(of(histories[i] ?? [], "TaskCompleted")[0]?.at ?? ""),
    }));
    const overlapAt = (t: number) => calls.filter((c) => c.from <= t && t < c.to).length;
    const most = Math.max(...calls.map((c) => overlapAt(c.from)));
    expect(most).toBe(2); // two at once, never three
    const lane = await laneState(`anthropic/${model}`);
    expect(lane?.calls).toEqual({}); // every reservation settled
    expect(lane?.totals.calls).toBe(8);
  });

  it("a lane nobody limits never touches the flow bucket", async () => {
    const model = "claude-free";
    const t = await queue(model, [{ kind: "message", text: "free" }]);
    await until(t.taskId, "TaskCompleted");
    expect(await laneState(`anthropic/${model}`)).toBeNull();
  });

  it("a held task that is cancelled is dropped without a call", async () => {
    const model = "claude-held";
    const lane = `anthropic/${model}`;
    const limited: Reply = {
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "rate limited",
      headers: { "retry-after": "30" },
    };
    const first = await queue(model, [limited, { kind: "message", text: "later" }]);
    await waitFor(async () => ((await laneState(lane))?.pausedUntil ? true : undefined));
    const held = await queue(model, [{ kind: "message", text: "never" }]);
    await until(held.taskId, "TaskWaiting");
    await ctx.publish(ev.cancelled({ taskId: held.taskId, at: new Date().toISOString() }));
    await ctx.publish(ev.cancelled({ taskId: first.taskId, at: new Date().toISOString() }));
    await waitFor(async () => running.admission.snapshot().held.every((h) => h.lane !== lane) || undefined);
    expect(seenBy(held.prompt)).toHaveLength(0);
    expect(of(await ctx.history(held.taskId), "TaskStarted")).toHaveLength(0);
  });
  it("a tenant at its daily spend limit has its queued work held (spend_limit) until the limit is raised", async () => {
    const tenant = "thrifty";
    const limit = (dailyTokens: number) =>
      kv.put(flowKeys.tenant(tenant), JSON.stringify({ weight: 1, maxConcurrent: null, spendLimit: { dailyTokens } }));
    await limit(10);
    const first = await queue("claude-spend", [{ kind: "message", text: "one two three", inputTokens: 20 }], {
      tenant,
    });
    await until(first.taskId, "TaskCompleted");
    const day = new Date().toISOString().slice(0, 10);
    const spent = await waitFor(async () => (await kv.get(flowKeys.usage(tenant, day)))?.json<{ tokens: number }>());
    expect(spent.tokens).toBeGreaterThanOrEqual(20); // input and output of the finished call
    const second = await queue("claude-spend", [{ kind: "message", text: "later" }], { tenant });
    const h = await until(second.taskId, "TaskWaiting");
    expect(h.at(-1)).toMatchObject({ type: "TaskWaiting", reason: "spend_limit" });
    expect(seenBy(second.prompt)).toHaveLength(0);
    await limit(1_000_000); // the watch sees it: the held task goes
    expect((await until(second.taskId, "TaskCompleted")).at(-1)).toMatchObject({ output: "later" });
  });
  it("a tenant past its daily USD limit has its queued work held (spend_limit), charged what its events say", async () => {
    const tenant = "priced";
    const limit = (dailyUsd: number) =>
      kv.put(flowKeys.tenant(tenant), JSON.stringify({ weight: 1, maxConcurrent: null, spendLimit: { dailyUsd } }));
    await limit(0.01);
    const first = await queue("claude-usd", [{ kind: "message", text: "one two three", inputTokens: 20 }], { tenant });
    const [completed] = of(await until(first.taskId, "TaskCompleted"), "TaskCompleted");
    expect(completed?.costUsd).toBeGreaterThan(0.01); // 20 tokens in alone cost $0.02
    const day = new Date().toISOString().slice(0, 10);
    const spent = await waitFor(async () => {
      const e = await kv.get(flowKeys.usage(tenant, day));
      return e?.operation === "PUT" ? TenantUsage.parse(e.json()) : undefined;
    });
    expect(spent.costUsd).toBe(completed?.costUsd);
    const second = await queue("claude-usd", [{ kind: "message", text: "later" }], { tenant });
    const h = await until(second.taskId, "TaskWaiting");
    expect(h.at(-1)).toMatchObject({ type: "TaskWaiting", reason: "spend_limit" });
    expect(seenBy(second.prompt)).toHaveLength(0);
    await limit(1000); // the watch sees it: the held task goes
    expect((await until(second.taskId, "TaskCompleted")).at(-1)).toMatchObject({ output: "later" });
  });
  it("serves Prometheus metrics at /metrics: lanes' limits and levels, holds, 429s, reservations, latency", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('taskjet_lane_limit{lane="anthropic/claude-paused",dimension="requests"} 600');
    expect(text).toContain('taskjet_lane_limit{lane="anthropic/claude-two",dimension="concurrency"} 2');
    expect(text).toMatch(/taskjet_lane_bucket_level\{lane="anthropic\/claude-paused",dimension="requests"\} \d/);
    expect(text).toContain('taskjet_executor_rate_limited_total{lane="anthropic/claude-paused"} 1');
    expect(text).toMatch(/taskjet_executor_reservations_total\{lane="anthropic\/claude-two",result="ok"\} 8/);
    expect(text).toContain("taskjet_executor_call_seconds_bucket");
    expect(text).toContain("taskjet_executor_calls_in_flight");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
  });
  it("writes what it holds and runs to queue.<executorId> every 2 s", async () => {
    const snapshot = await waitFor(async () => {
      const e = await kv.get(flowKeys.queue("ex-flow"));
      return e?.operation === "PUT" ? ExecutorQueue.parse(e.json()) : undefined;
    });
    expect(snapshot.executorId).toBe("ex-flow");
    expect(Date.now() - snapshot.at).toBeLessThan(5000);
  });
  it("one call at a time: a high task behind 40 normal ones goes next; a tenant's 3 tasks share the lane with another's 30", async () => {
    const model = "claude-one";
    const quick: Reply = { kind: "message", text: "ok", pieces: 1, pieceDelayMs: 20 };
    const startOrder = async (ids: string[]) => {
      const started = await Promise.all(
        ids.map(async (id) => of(await until(id, "TaskStarted"), "TaskStarted")[0]?.at ?? ""),
      );
      return ids.map((id, i) => ({ id, at: Date.parse(started[i] ?? "") })).sort((a, b) => a.at - b.at);
    };

    const normal = [];
    for (let i = 0; i < 40; i++) normal.push(await queue(model, [quick]));
    // Held while the lane's one slot is busy: the high one is queued last and must not wait for the 40.
    await waitFor(
      () => running.admission.snapshot().held.filter((h) => h.lane === `anthropic/${model}`).length >= 20 || undefined,
    );
    const highQueuedAt = Date.now();
    const high = await queue(model, [quick], { priority: "high" });
    await Promise.all([...normal, high].map((t) => until(t.taskId, "TaskCompleted")));
    const order = await startOrder([...normal, high].map((t) => t.taskId));
    const highAt = order.findIndex((o) => o.id === high.taskId);
    const startedBefore = order.filter((o) => o.at < highQueuedAt).length;
    expect(40 - startedBefore).toBeGreaterThan(15); // that many normal ones were still held behind it
    expect(highAt - startedBefore).toBeLessThanOrEqual(2); // it started within a call or two

    const big = [];
    for (let i = 0; i < 30; i++) big.push(await queue(model, [quick], { tenant: "big" }));
    const small = [];
    for (let i = 0; i < 3; i++) small.push(await queue(model, [quick], { tenant: "small" }));
    await Promise.all([...big, ...small].map((t) => until(t.taskId, "TaskCompleted")));
    const shared = await startOrder([...big, ...small].map((t) => t.taskId));
    const smallIds = new Set<string>(small.map((t) => t.taskId));
    const lastSmall = Math.max(...shared.map((o, i) => (smallIds.has(o.id) ? i : -1)));
    // Alternating once both are held: the small tenant's 3 are done within its first few turns, not after 30.
    expect(lastSmall).toBeLessThan(15);
  });
});
