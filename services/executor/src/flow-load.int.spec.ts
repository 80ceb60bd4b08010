import { randomUUID } from "node:crypto";
import { flowKeys, LaneState } from "@taskjet/events";
import { openBucket } from "@taskjet/runtime";
import { createTestContext, ev, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { anthropicProvider } from "./providers/anthropic.ts";

/**
 * Three executors (in one process, each its own id and admission) share one lane against the limiting fake:
 * they learn its limits from the first replies, then keep under them together.
 */
describe("three executors × one limited lane", () => {
  const WINDOW_MS = 6000;
  const LIMITS = { requests: 60, inputTokens: 6000, windowMs: WINDOW_MS };
  let ctx: TestContext;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  const executors: Awaited<ReturnType<typeof startExecutor>>[] = [];
  let cancellations: ReturnType<typeof listenForCancellations>;

  beforeAll(async () => {
    ctx = await createTestContext("flowload");
    fake = await startFakeLlm(() => ({ kind: "message", text: "ok" }), { limits: LIMITS });
    cancellations = listenForCancellations(ctx.nc, ctx.subjects);
    for (const executorId of ["ex-a", "ex-b", "ex-c"]) {
      executors.push(
        await startExecutor(
          {
            ...ctx,
            llm: anthropicProvider({ apiKey: "sk-test", baseURL: fake.url }),
            cancellations,
            executorId,
            now: () => new Date(),
            random: Math.random,
          },
          { concurrency: 32, ackWaitMs: 5000, windowMs: WINDOW_MS },
        ),
      );
    }
  });
  afterAll(async () => {
    for (const e of executors) await e.stop(1000);
    cancellations.close();
    await fake.close();
    await ctx.cleanup();
  });

  let queued = 0;
  async function queueTasks(n: number) {
    for (let i = 0; i < n; i++) {
      const taskId = randomUUID();
      // ~100 characters: 25 input tokens each, so requests (60 per window) are the binding limit.
      const prompt = `task ${i} ${taskId} ${"x".repeat(50)}`;
      const input = { prompt, model: "claude-load", maxTokens: 10, system: null, temperature: null };
      await ctx.publish(ev.submitted({ taskId, prompt }));
      await ctx.publish(ev.queued({ taskId, at: new Date().toISOString(), maxAttempts: 1, timeoutMs: 30_000, input }));
    }
    queued += n;
  }
  /** Waits until every task queued so far has completed. */
  const allDone = () =>
    waitFor(
      async () => {
        const done = await ctx.readAll(ctx.subjects.ofType("TaskCompleted"));
        return done.length >= queued || undefined;
      },
      { timeoutMs: 60_000, what: "every task completed" },
    );

  it("after the first window no 429, and the limit is used", async () => {
    const n = 200;
    const started = Date.now();
    await queueTasks(n);
    await allDone();
    const elapsed = Date.now() - started;
    const after = fake.requests.filter((r) => r.at > started + WINDOW_MS);
    const limited = after.filter((r) => r.status === 429);
    const ok = fake.requests.filter((r) => r.status === 200).length;
    // The bucket allows LIMITS.requests at once and then LIMITS.requests per window.
    const allowed = LIMITS.requests + (LIMITS.requests * elapsed) / WINDOW_MS;
    const cas = executors.map((e) => e.lanes.casCounts());
    const written = cas.reduce((a, c) => a + c.written, 0);
    const lost = cas.reduce((a, c) => a + c.lost, 0);
    console.log({
      elapsed,
      ok,
      all429: fake.requests.length - ok,
      utilization: ok / allowed,
      written,
      lost,
      perTask: (written + lost) / n,
      lostBy: cas.map((c) => c.lostBy),
    });
    expect(limited).toHaveLength(0);
    expect(ok / allowed).toBeGreaterThan(0.75); // ~0.94 on a quiet machine
  }, 90_000);
  it("a forced 429 (retry-after 2) holds the lane ≥ 2 s, then the wake-up is spread: one second's share at most", async () => {
    const from = fake.requests.length;
    fake.forceRateLimit({ retryAfterSeconds: 2 });
    const kv = await openBucket(ctx.js, ctx.names, "flow", { STREAM_REPLICAS: 1 });
    const pausedAfter = async (t: number) => {
      const e = await kv.get(flowKeys.lane("anthropic/claude-load"));
      const until = e?.operation === "PUT" ? LaneState.parse(e.json()).pausedUntil : null;
      return until !== null && until > t ? until : undefined;
    };
    const t0 = Date.now();
    // One task meets the 429; the rest are queued while the lane is paused.
    await queueTasks(1);
    const pausedUntil = await waitFor(() => pausedAfter(t0));
    await queueTasks(59);
    await allDone();
    const seen = fake.requests.slice(from);
    const limited = seen.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    expect(pausedUntil).toBeGreaterThanOrEqual((limited?.at ?? 0) + 2000);
    const resumed = seen.filter((r) => r.at >= pausedUntil);
    expect(seen.filter((r) => r !== limited && r.at < pausedUntil)).toEqual([]);
    // 60 requests a 6 s window: 10 a second. The buckets were emptied at the pause's end.
    const firstSecond = resumed.filter((r) => r.at < pausedUntil + 1000).length;
    expect(firstSecond).toBeLessThanOrEqual(11);
    expect(firstSecond).toBeGreaterThan(0);
    expect(seen.filter((r) => r.status === 429)).toHaveLength(1);
  }, 90_000);
});
