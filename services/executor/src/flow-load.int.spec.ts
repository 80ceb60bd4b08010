import { randomUUID } from "node:crypto";
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

  it("after the first window no 429, and the limit is used", async () => {
    const n = 200;
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const taskId = randomUUID();
      ids.push(taskId);
      // ~100 characters: 25 input tokens each, so requests (60 per window) are the binding limit.
      const prompt = `task ${i} ${taskId} ${"x".repeat(50)}`;
      const input = { prompt, model: "claude-load", maxTokens: 10, system: null, temperature: null };
      await ctx.publish(ev.submitted({ taskId, prompt }));
      await ctx.publish(ev.queued({ taskId, at: new Date().toISOString(), maxAttempts: 1, timeoutMs: 30_000, input }));
    }
    await waitFor(
      async () => {
        const done = await ctx.readAll(ctx.subjects.ofType("TaskCompleted"));
        return done.length >= n || undefined;
      },
      { timeoutMs: 60_000, what: "every task completed" },
    );
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
});
