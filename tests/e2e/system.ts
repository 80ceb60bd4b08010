import {
  type ExecutorDeps,
  type ExecutorOptions,
  fakeProvider,
  listenForCancellations,
  startExecutor,
} from "@taskjet/executor";
import { buildApp } from "@taskjet/gateway";
import { startProjector } from "@taskjet/projector";
import { migrate } from "@taskjet/read-model";
import { inputLimits } from "@taskjet/runtime";
import { startScheduler } from "@taskjet/scheduler";
import { type TestContext, waitFor } from "@taskjet/testkit";

/**
 * All four services in this process against one test namespace, gateways on real ports. The executor calls the
 * fake provider unless `llm` (and `providers`, `price`) say otherwise.
 */
export async function startSystem(
  ctx: TestContext,
  opts: { llmLatencyMs?: number; batch?: ExecutorOptions["batch"] } & Partial<
    Pick<ExecutorDeps, "llm" | "providers" | "price">
  > = {},
) {
  const now = () => new Date();
  const stops: (() => Promise<unknown>)[] = [];
  await migrate(ctx.db, ctx.names, ctx.log);
  const projector = await startProjector({ ...ctx, maxBatch: 500 });
  const schedulers = await startScheduler(
    { ...ctx, now, limits: inputLimits(ctx.config) },
    { ackWaitMs: 5000, config: ctx.config },
  );
  const cancellations = listenForCancellations(ctx.nc, ctx.subjects);
  const llm = opts.llm ?? fakeProvider({ latencyMs: opts.llmLatencyMs ?? 20 });
  const executor = await startExecutor(
    {
      ...ctx,
      llm,
      providers: opts.providers,
      price: opts.price,
      cancellations,
      executorId: "e2e",
      now,
      random: Math.random,
    },
    { concurrency: 64, ackWaitMs: 5000, claimCheckBytes: ctx.config.CLAIM_CHECK_BYTES, batch: opts.batch },
  );
  stops.push(
    () => executor.stop(1000),
    () => Promise.all(schedulers.map((s) => s.stop(1000))),
    () => projector.stop(),
    async () => cancellations.close(),
  );

  /** Another gateway instance (each serves its own sockets); returns its base URL. */
  async function addGateway(config = ctx.config) {
    const app = await buildApp({ ...ctx, config, now });
    stops.unshift(() => app.close());
    return app.listen({ host: "127.0.0.1", port: 0 });
  }
  const baseUrl = await addGateway();
  return {
    baseUrl,
    addGateway,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { id: string; status: string; [k: string]: unknown } };
}

/** The task once it has finished (completed, failed or cancelled), as GET /tasks/:id answers. */
export function finishedTask<T extends { status: string }>(baseUrl: string, id: string): Promise<T> {
  return waitFor(
    async () => {
      const t = (await (await fetch(`${baseUrl}/tasks/${id}`)).json()) as T;
      return ["completed", "failed", "cancelled"].includes(t.status) ? t : undefined;
    },
    { what: `task ${id} to finish` },
  );
}
