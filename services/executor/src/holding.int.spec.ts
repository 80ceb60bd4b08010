import { randomUUID } from "node:crypto";
import { createTestContext, ev, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { anthropicProvider } from "./providers/anthropic.ts";

/**
 * Holding is for admission to choose among work its lanes hold back; work that waits only for a run slot stays
 * in the stream, where another executor with free slots takes it. An executor that took a whole backlog on a
 * lane nobody limits would leave the others idle.
 */
describe("executors sharing a backlog on an unlimited lane", () => {
  let ctx: TestContext;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  let cancellations: ReturnType<typeof listenForCancellations>;
  const executors: Awaited<ReturnType<typeof startExecutor>>[] = [];

  beforeAll(async () => {
    ctx = await createTestContext("holding");
    // Each call streams for ~3 s: the first executor's first calls are still running when the second starts.
    fake = await startFakeLlm(() => ({ kind: "message", text: "slow reply", pieces: 2, pieceDelayMs: 1500 }));
    cancellations = listenForCancellations(ctx.nc, ctx.subjects);
  });
  afterAll(async () => {
    for (const e of executors) await e.stop(5000);
    cancellations.close();
    await fake.close();
    await ctx.cleanup();
  });

  const start = async (executorId: string) => {
    // A start that hangs says so, rather than leaving the test to time out saying nothing (seen once in CI).
    const slow = setTimeout(() => console.error(`executor ${executorId} still starting after 15 s`), 15_000);
    const running = await startExecutor(
      {
        ...ctx,
        llm: anthropicProvider({ apiKey: "sk-test", baseURL: fake.url }),
        ...{ cancellations, executorId, now: () => new Date(), random: Math.random },
      },
      { concurrency: 2, ackWaitMs: 10_000, maxHeld: 1000 },
    ).finally(() => clearTimeout(slow));
    executors.push(running);
  };

  it("a second executor gets the work the first cannot start yet", async () => {
    await start("first");
    const ids = Array.from({ length: 8 }, () => randomUUID());
    for (const taskId of ids) {
      await ctx.publish(ev.submitted({ taskId, prompt: `held ${taskId}` }));
      await ctx.publish(ev.queued({ taskId, input: { ...ev.queued().input, prompt: `held ${taskId}` } }));
    }
    await waitFor(() => fake.requests.length >= 2, { what: "the first executor's two calls under way" });
    await start("second");

    const starts = await waitFor(
      async () => {
        const started = (await Promise.all(ids.map((id) => ctx.history(id))))
          .flat()
          .filter((e) => e.type === "TaskStarted");
        return started.length === ids.length && started;
      },
      { timeoutMs: 30_000, what: "every task started" },
    );
    const bySecond = starts.filter((e) => e.type === "TaskStarted" && e.executorId === "second").length;
    // The first holds its two calls and one slot's worth ready; the rest was the second's to take.
    expect(bySecond).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
