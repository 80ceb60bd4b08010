import { consume, ensureConsumer } from "@taskjet/runtime";
import { type ExecutorDeps, onTaskQueued } from "./on-task-queued.ts";

export function executorDurable(prefix: string) {
  return `${prefix}executor`;
}

/** The shared work consumer: every executor instance pulls from the same durable. */
export async function startExecutor(deps: ExecutorDeps, opts: { concurrency: number; ackWaitMs: number }) {
  const { js, jsm, names, subjects, log } = deps;
  const durable = executorDurable(names.consumerPrefix);
  await ensureConsumer(
    jsm,
    names.stream,
    { durable, filterSubject: subjects.ofType("TaskQueued"), ackWaitMs: opts.ackWaitMs, maxAckPending: 100_000 },
    log,
  );
  const consumer = await js.consumers.get(names.stream, durable);
  return consume({
    consumer,
    handle: onTaskQueued(deps),
    log,
    concurrency: opts.concurrency,
    ackWaitMs: opts.ackWaitMs,
  });
}
