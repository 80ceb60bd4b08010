import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { decide, type Names, type Subjects, type TaskEvent } from "@taskjet/events";
import {
  ACK,
  type Delivery,
  type Logger,
  lastEvent,
  publishEvents,
  publishEventsRetrying,
  type Verdict,
} from "@taskjet/runtime";
import { afterOutcome } from "./after-outcome.ts";
import type { Cancellations } from "./cancellations.ts";
import type { LlmProvider } from "./providers/provider.ts";
import { attemptNumber, type RetryPolicy } from "./retry-policy.ts";
import { runAttempt } from "./run-attempt.ts";

/** How long an outcome is retried through a NATS outage: well inside JetStream's 2-minute duplicate window. */
const OUTCOME_PUBLISH_WITHIN_MS = 60_000;

export type ExecutorDeps = RetryPolicy & {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  llm: LlmProvider;
  cancellations: Cancellations;
  log: Logger;
  executorId: string;
  now: () => Date;
  /** @deprecated Ignored: a 429 never spends an attempt any more (issue 15). Kept while tests/e2e passes it. */
  rateLimitBudgetMs?: number;
};

/**
 * Runs one try of a queued task: looks up whether it is still to run and which attempt this is, announces it,
 * makes the call (`runAttempt`), publishes what `afterOutcome` decides and hands its verdict to the consume
 * loop. Retries are JetStream redeliveries.
 */
export function onTaskQueued(deps: ExecutorDeps) {
  const { js, jsm, names, subjects, cancellations, log, executorId, now } = deps;
  const last = <T extends "TaskCancelled" | "TaskCompleted" | "TaskAttemptFailed">(taskId: string, type: T) =>
    lastEvent(jsm, names, subjects, taskId, type);

  /**
   * The tries this process is making, by task. A delivery of a task already under way here (redelivered after a
   * NATS outage outlasted the ack wait) waits for that try, then looks at the stream again — where it finds the
   * outcome — instead of calling the provider a second time.
   */
  const tries = new Map<string, Promise<Verdict>>();

  return (delivery: Delivery): Promise<Verdict> => {
    const { taskId } = delivery.event;
    const previous = tries.get(taskId);
    const run = previous ? previous.catch(() => ACK).then(() => tryOnce(delivery)) : tryOnce(delivery);
    tries.set(taskId, run);
    const forget = () => {
      if (tries.get(taskId) === run) tries.delete(taskId);
    };
    run.then(forget, forget);
    return run;
  };

  async function tryOnce({ event: queued, deliverySeq, signal }: Delivery): Promise<Verdict> {
    if (queued.type !== "TaskQueued") return ACK;
    const { taskId, gen } = queued;
    // Registered before the look at the stream, so a cancel landing in between still aborts the call.
    const cancel = cancellations.register(taskId);
    try {
      const [cancelled, completed, lastFailure] = await Promise.all([
        last(taskId, "TaskCancelled"),
        last(taskId, "TaskCompleted"),
        // Looked up on every delivery: the delivery count cannot say whether an earlier try failed.
        last(taskId, "TaskAttemptFailed"),
      ]);
      if (cancelled || completed) {
        log.info({ taskId, cancelled: !!cancelled, completed: !!completed }, "already finished; skipped");
        return ACK;
      }
      const ref = { taskId, gen, attempt: attemptNumber(queued, lastFailure?.event ?? null), delivery: deliverySeq };
      await publishEvents(js, subjects, decide({ type: "StartAttempt", attempt: ref, executorId }, null, now()));
      const startedAt = now();
      const outcome = await runAttempt(deps, { queued, ref, cancel: cancel.signal, shutdown: signal });
      const { events, verdict } = afterOutcome(outcome, { queued, ref, startedAt }, now(), deps);
      // The call is done and paid for: its outcome waits out a NATS restart rather than be made again.
      await publishEventsRetrying(js, subjects, events, {
        withinMs: OUTCOME_PUBLISH_WITHIN_MS,
        signal,
        onRetry: (err, inMs) => log.warn({ taskId, err: String(err), retryInMs: inMs }, "outcome not published yet"),
      });
      logEnd(log, { ...ref, ms: now().getTime() - startedAt.getTime() }, events, verdict);
      return verdict;
    } finally {
      cancellations.release(taskId);
    }
  }
}

function logEnd(
  log: Logger,
  at: { taskId: string; attempt: number; delivery: number; ms: number },
  events: TaskEvent[],
  verdict: Verdict,
) {
  const failure = events.find((e) => e.type === "TaskAttemptFailed");
  if (failure) {
    const retryInMs = "nak" in verdict ? verdict.nak : null;
    log.warn({ taskId: at.taskId, attempt: at.attempt, code: failure.error.code, retryInMs }, "attempt failed");
  } else if (events.some((e) => e.type === "TaskCompleted")) {
    log.info(at, "completed");
  }
}
