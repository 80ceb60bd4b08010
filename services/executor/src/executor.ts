import { decide, type LaneLimits, LIMITS } from "@taskjet/events";
import {
  consume,
  ensureConsumer,
  openBodies,
  openBucket,
  publishEvents,
  type Running,
  serveMetrics,
} from "@taskjet/runtime";
import { batchCollector } from "./batch-collector.ts";
import { type BatchMetrics, batchMetrics } from "./batch-metrics.ts";
import { startBatchPoller } from "./batch-poller.ts";
import { openBatchStore } from "./batch-store.ts";
import { callMetrics } from "./call-metrics.ts";
import { type Admission, CALL_LEASE_MS, createAdmission } from "./flow/admission.ts";
import { openLaneStore } from "./flow/lane-store.ts";
import { flowMetrics } from "./flow/metrics.ts";
import { startQueueSnapshot } from "./flow/queue-snapshot.ts";
import { openTenants } from "./flow/tenants.ts";
import { type ExecutorDeps, onTaskQueued, providerOf } from "./on-task-queued.ts";
import { RESULTS_MAX_AGE_MS, resultCache } from "./result-cache.ts";

export function executorDurable(prefix: string) {
  return `${prefix}executor`;
}

export type ExecutorOptions = {
  /** Calls made at once (EXECUTOR_CONCURRENCY). */
  concurrency: number;
  ackWaitMs: number;
  /** Queued tasks held for admission, running ones included (EXECUTOR_MAX_HELD); at least `concurrency`. */
  maxHeld?: number;
  /** LANE_LIMITS, LANE_WINDOW_SECONDS, PRIORITY_AGING_SECONDS (as ms), the flow bucket's replicas. */
  laneLimits?: Record<string, Partial<LaneLimits>>;
  windowMs?: number;
  agingMs?: number;
  replicas?: number;
  /** CLAIM_CHECK_BYTES: a reply larger than this (as JSON) goes to the object store. */
  claimCheckBytes?: number;
  /** METRICS_PORT: 0 or absent, no /metrics of its own. */
  metricsPort?: number;
  metricsHost?: string;
  /**
   * Message Batches: BATCH_WINDOW_MS, BATCH_MAX_REQUESTS, BATCH_POLL_MS; `leaseMs` how long a batch's poller may
   * be silent before another executor takes it over (default: three polls, at least 10 s).
   */
  batch?: { windowMs?: number; maxRequests?: number; pollMs?: number; leaseMs?: number };
};

/**
 * The shared work consumer — every executor instance pulls from the same durable — with flow control in front
 * of the calls: up to `maxHeld` deliveries are held (heartbeated by the consume loop) so admission can choose
 * by priority and tenant among them, and at most `concurrency` of them call at once.
 */
export async function startExecutor(
  deps: Omit<ExecutorDeps, "admission" | "bodies" | "claimCheckBytes" | "calls">,
  opts: ExecutorOptions,
) {
  const { js, jsm, names, subjects, log, executorId, now } = deps;
  const durable = executorDurable(names.consumerPrefix);
  await ensureConsumer(
    jsm,
    names.stream,
    { durable, filterSubject: subjects.ofType("TaskQueued"), ackWaitMs: opts.ackWaitMs, maxAckPending: 100_000 },
    log,
  );
  const consumer = await js.consumers.get(names.stream, durable);
  const kv = await openBucket(js, names, "flow", { STREAM_REPLICAS: opts.replicas ?? 1 });
  const windowMs = opts.windowMs ?? 60_000;
  const replicas = { STREAM_REPLICAS: opts.replicas ?? 1 };
  const results = resultCache(await openBucket(js, names, "results", replicas, { ttlMs: RESULTS_MAX_AGE_MS }), log);
  const bodies = await openBodies(js, names, replicas);
  const store = await openBatchStore(await openBucket(js, names, "batches", replicas), log);
  const pollMs = opts.batch?.pollMs ?? 30_000;
  const leaseMs = opts.batch?.leaseMs ?? Math.max(3 * pollMs, 10_000);
  const stopping = new AbortController();
  let counters: BatchMetrics | null = null; // once the registry exists
  const batches = batchCollector({
    ...{ js, subjects, store, executorId, now, log, random: deps.random, price: deps.price },
    ...{ windowMs: opts.batch?.windowMs ?? 2000, maxRequests: opts.batch?.maxRequests ?? 1000, leaseMs },
    signal: stopping.signal,
    onSent: (lane, requests) => counters?.sent(lane, requests),
  });

  let admission: Admission | null = null;
  let pulling: Running | null = null;
  let snapshot: ReturnType<typeof startQueueSnapshot> | null = null;
  const poke = () => admission?.poke();
  const lanes = await openLaneStore({
    ...{ kv, executorId, windowMs, log, onChange: poke },
    configured: opts.laneLimits ?? {},
    now: () => now().getTime(),
  });
  lanes.renewEvery(CALL_LEASE_MS);
  const tenants = await openTenants({ kv, log, onChange: poke, price: deps.price });
  const poller = startBatchPoller({
    ...{ js, jsm, names, subjects, store, collector: batches, cancellations: deps.cancellations, bodies },
    ...{ executorId, now, log, pollMs, leaseMs, random: deps.random, price: deps.price },
    providerOf: (name) => providerOf(deps, name),
    charge: (tenant, lane, used, at, costUsd) => tenants.charge(tenant, lane, used, at, costUsd),
    onResult: (kind) => counters?.result(kind),
  });
  const metrics = flowMetrics({
    ...{ admission: () => admission, lanes: lanes.lanes, cas: lanes.casCounts, windowMs },
    now: () => now().getTime(),
  });
  counters = batchMetrics(metrics.registry, { pending: batches.pending, polled: poller.polled });
  admission = createAdmission({
    ...{ runLimit: opts.concurrency, agingMs: opts.agingMs ?? 600_000, lanes, tenants, now, random: deps.random, log },
    metrics: metrics.record,
    onRoom: () => pulling?.wake(),
    onHeld: (lane) => snapshot?.held(lane),
    onWaiting: (task, wait) => {
      const until = wait.until === null ? null : new Date(wait.until);
      const events = decide({ type: "WaitForLane", ...task, reason: wait.reason, until }, null, now());
      publishEvents(js, subjects, events).catch((err: unknown) =>
        log.warn({ err, taskId: task.taskId }, "TaskWaiting not published"),
      );
    },
  });
  snapshot = startQueueSnapshot({ kv, executorId, admission, now, log });
  const server = opts.metricsPort
    ? await serveMetrics(metrics.registry, opts.metricsPort, opts.metricsHost ?? "0.0.0.0", log)
    : null;

  const running = consume({
    consumer,
    service: "executor",
    handle: onTaskQueued({
      ...{ ...deps, admission, results, bodies, batches, calls: callMetrics(metrics.registry) },
      claimCheckBytes: opts.claimCheckBytes ?? LIMITS.claimCheckBytes,
    }),
    log,
    concurrency: Math.max(opts.maxHeld ?? 5000, opts.concurrency),
    // Held beyond the run slots: only what the lanes hold back (admission.ts `slotBound`), a slot's worth at a time.
    wantsMore: admission.wantsMore,
    fetchMax: opts.concurrency,
    ackWaitMs: opts.ackWaitMs,
  });
  pulling = running;
  const held = admission;
  return {
    done: running.done,
    admission: held,
    lanes,
    /** Held tasks go back to the stream at once (nak 0); running calls get `graceMs` to finish. */
    async stop(graceMs: number) {
      held.close();
      batches.close();
      await running.stop(graceMs);
      stopping.abort();
      await poller.stop();
      await store.close();
      await snapshot.stop();
      await server?.close();
      await lanes.close();
      await tenants.close();
    },
  };
}
