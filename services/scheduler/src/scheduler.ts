import { eventKind, type TaskEventType } from "@taskjet/events";
import { type Config, consume, ensureConsumer, type Handler, openBodies, openBucket } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";
import { type SchedulerMetrics, schedulerMetrics } from "./metrics.ts";
import { onRetryRequested } from "./on-retry-requested.ts";
import { onTaskCreated } from "./on-task-created.ts";
import { onTaskFinished } from "./on-task-finished.ts";
import { runSchedules } from "./schedules/run-schedules.ts";
import { waitingChildren } from "./waiting-children.ts";

export type SchedulerOptions = {
  ackWaitMs: number;
  config: Pick<Config, "STREAM_REPLICAS" | "CLAIM_CHECK_BYTES">;
  /** Where its figures are recorded: `main` serves them at /metrics; made here when not given. */
  metrics?: SchedulerMetrics;
};

/** One durable consumer per event kind (NATS 2.9 allows one filter subject per consumer), shared by replicas. */
export async function startScheduler(
  deps: Omit<SchedulerDeps, "waiting" | "claimCheck" | "metrics">,
  opts: SchedulerOptions,
) {
  const { js, jsm, names, subjects, log } = deps;
  const waiting = waitingChildren(await openBucket(js, names, "waiting_children", opts.config));
  const claimCheck = { bodies: await openBodies(js, names, opts.config), limitBytes: opts.config.CLAIM_CHECK_BYTES };
  const metrics = opts.metrics ?? schedulerMetrics(jsm, names.stream);
  const full: SchedulerDeps = { ...deps, waiting, claimCheck, metrics };
  const created = onTaskCreated(full);
  const finished = onTaskFinished(full);
  const reactions: [TaskEventType, Handler][] = [
    ["TaskSubmitted", created],
    ["TaskChained", created],
    ["TaskCompleted", finished],
    ["TaskFailed", finished],
    ["TaskCancelled", finished],
    ["TaskRetryRequested", onRetryRequested(full)],
  ];
  const consumers = await Promise.all(
    reactions.map(async ([type, handle]) => {
      const filterSubject = subjects.ofType(type);
      const durable = `${names.consumerPrefix}scheduler-${eventKind(type)}`;
      metrics.consumer(eventKind(type), durable);
      // Held timers are unacked messages: room for many of them.
      await ensureConsumer(
        jsm,
        names.stream,
        { durable, filterSubject, ackWaitMs: opts.ackWaitMs, maxAckPending: 200_000 },
        log,
      );
      const consumer = await js.consumers.get(names.stream, durable);
      return consume({ consumer, handle, log, service: "scheduler", concurrency: 64, ackWaitMs: opts.ackWaitMs });
    }),
  );
  // Schedules (`<kvPrefix>_schedules`): every instance follows them and fires each tick once between them.
  return [...consumers, await runSchedules(deps, opts.config)];
}
