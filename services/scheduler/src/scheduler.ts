import { consume, ensureConsumer, type Handler } from "@taskjet/runtime";
import { onTaskSubmitted, type SchedulerDeps } from "./on-task-submitted.ts";

/** One durable consumer per reaction (NATS 2.9 allows one filter subject per consumer). */
export async function startScheduler(deps: SchedulerDeps, ackWaitMs: number) {
  const { js, jsm, names, subjects, log } = deps;
  const reactions: [string, string, Handler][] = [
    ["scheduler-submitted", subjects.ofType("TaskSubmitted"), onTaskSubmitted(deps)],
  ];
  return Promise.all(
    reactions.map(async ([name, filterSubject, handle]) => {
      const durable = `${names.consumerPrefix}${name}`;
      // Held timers are unacked messages: room for many of them.
      await ensureConsumer(jsm, names.stream, { durable, filterSubject, ackWaitMs, maxAckPending: 200_000 }, log);
      const consumer = await js.consumers.get(names.stream, durable);
      return consume({ consumer, handle, log, concurrency: 64, ackWaitMs });
    }),
  );
}
