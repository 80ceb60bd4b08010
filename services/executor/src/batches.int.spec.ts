import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TaskEvent } from "@taskjet/events";
import { createTestContext, ev, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { anthropicProvider } from "./providers/anthropic.ts";

/**
 * Batches across executors, through the real SDK against the fake server: a batch outlives the executor that sent
 * it (another takes its lease over and settles it), two executors polling settle a batch once, and a work item
 * redelivered after its batch was recorded is not sent again.
 */
let ctx: TestContext;
let fake: Awaited<ReturnType<typeof startFakeLlm>>;
let cancellations: ReturnType<typeof listenForCancellations>;
const running: Awaited<ReturnType<typeof startExecutor>>[] = [];

beforeAll(async () => {
  ctx = await createTestContext("batches");
  fake = await startFakeLlm((req) => ({ kind: "message", text: `re: ${req.prompt}` }), { holdBatches: true });
  cancellations = listenForCancellations(ctx.nc, ctx.subjects);
});
afterAll(async () => {
  for (const r of running) await r.stop(0);
  cancellations.close();
  await fake.close();
  await ctx.cleanup();
});

async function executor(executorId: string, metricsPort = 0) {
  const r = await startExecutor(
    {
      ...ctx,
      llm: anthropicProvider({ apiKey: "sk-test", baseURL: fake.url }),
      cancellations,
      executorId,
      now: () => new Date(),
      random: () => 0,
    },
    {
      ...{ concurrency: 16, ackWaitMs: 5000, metricsPort, metricsHost: "127.0.0.1" },
      batch: { windowMs: 200, maxRequests: 1000, pollMs: 50, leaseMs: 500 },
    },
  );
  running.push(r);
  return r;
}

/** Five batch-mode tasks of one model, queued. */
async function queueFive(model: string) {
  const ids = Array.from({ length: 5 }, () => randomUUID());
  for (const taskId of ids) {
    const input = { ...ev.queued().input, prompt: `task ${taskId}`, model };
    await ctx.publish(ev.submitted({ taskId, mode: "batch", model }));
    await ctx.publish(ev.queued({ taskId, mode: "batch", input }));
  }
  return ids;
}
const count = (h: TaskEvent[], type: TaskEvent["type"]) => h.filter((e) => e.type === type).length;
const inBatch = (ids: string[]) =>
  waitFor(
    async () => {
      const batched = await Promise.all(ids.map(async (id) => count(await ctx.history(id), "TaskBatched")));
      return batched.every((n) => n === 1);
    },
    { what: "every task in a batch" },
  );

describe("batches across executors", () => {
  it("a batch outlives the executor that sent it: another takes it over and completes each task once", async () => {
    const first = await executor("ex-first");
    const ids = await queueFive("claude-takeover");
    await inBatch(ids);
    const batch = fake.batches.find((b) => b.customIds.some((c) => c.startsWith(ids[0] as string)));
    expect(batch?.requests).toHaveLength(5);
    await first.stop(0); // its lease is left to lapse, as a killed executor's would
    running.splice(running.indexOf(first), 1);
    await executor("ex-second");
    fake.endBatches(batch?.id);
    for (const id of ids) {
      const h = await ctx.historyWith(id, "TaskCompleted");
      expect(count(h, "TaskCompleted")).toBe(1);
      expect(count(h, "TaskBatched")).toBe(1);
    }
    expect(fake.batches.filter((b) => b.customIds.some((c) => ids.some((id) => c.startsWith(id))))).toHaveLength(1);
  });

  it("two executors polling the same batches settle each once", async () => {
    await executor("ex-third"); // beside ex-second
    const ids = await queueFive("claude-pair");
    await inBatch(ids);
    // Each executor sends what it collected: one batch or two.
    const batches = fake.batches.filter((b) => b.customIds.some((c) => ids.some((id) => c.startsWith(id))));
    for (const b of batches) fake.endBatches(b.id);
    for (const id of ids) expect(count(await ctx.historyWith(id, "TaskCompleted"), "TaskCompleted")).toBe(1);
    expect(batches.map((b) => b.resultReads)).toEqual(batches.map(() => 1));
  });

  it("a work item redelivered after its batch was recorded is not sent again", async () => {
    const taskId = randomUUID();
    const model = "claude-redelivered";
    await ctx.publish(ev.submitted({ taskId, mode: "batch", model }));
    // As a killed executor leaves it: the task announced in a batch, its work item never acked.
    await ctx.publish(ev.batched({ taskId, batchId: "msgbatch_elsewhere" }));
    await ctx.publish(ev.queued({ taskId, mode: "batch", input: { ...ev.queued().input, model } }));
    const ids = await queueFive(model); // queued after it: once they are in a batch, it has been looked at
    await inBatch(ids);
    await waitFor(
      async () => {
        const info = await ctx.jsm.consumers.info(ctx.names.stream, `${ctx.names.consumerPrefix}executor`);
        return info.num_pending === 0 && info.num_ack_pending === 0; // delivered and acked, not held
      },
      { what: "every work item acked" },
    );
    const sent = fake.batches.flatMap((b) => b.customIds).filter((c) => c.startsWith(taskId));
    expect(sent).toEqual([]);
  });

  it("says in its metrics what it sent and what came back", async () => {
    const port = await freePort();
    await executor("ex-metrics", port);
    const ids = await queueFive("claude-metrics");
    await inBatch(ids);
    for (const b of fake.batches.filter((b) => b.status !== "ended")) fake.endBatches(b.id);
    await Promise.all(ids.map((id) => ctx.historyWith(id, "TaskCompleted")));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/taskjet_batch_pending_requests/);
    expect(text).toMatch(/taskjet_batches_polled \d+/);
    // Its share: the other executors running beside it may have sent and settled some of the five.
    expect(text).toMatch(/taskjet_batch_requests_sent_total|taskjet_batch_results_total/);
  });
});

/** A port nothing listens on, for the executor's own /metrics. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
