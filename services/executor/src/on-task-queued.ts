import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { decide, laneOf, type Names, type Subjects, type TaskEvent } from "@taskjet/events";
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
import type { Admission, CallEnd } from "./flow/admission.ts";
import { estimateNeed } from "./flow/budget.ts";
import type { Outcome } from "./outcome.ts";
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
  /** Holds each task until its lane, its tenant and a run slot let it start. */
  admission: Admission;
};

/**
 * Runs one try of a queued task: looks up whether it is still to run and which attempt this is, waits for
 * admission (its lane's budget, its tenant's share, a run slot), announces it, makes the call (`runAttempt`),
 * publishes what `afterOutcome` decides, settles the call with its lane and hands the verdict to the consume
 * loop. Retries are JetStream redeliveries; a task cancelled while held is dropped, one held at shutdown handed
 * back.
 */
export function onTaskQueued(deps: ExecutorDeps) {
  const { js, jsm, names, subjects, cancellations, log, executorId, now, admission } = deps;
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
      const lane = laneOf(deps.llm.name, queued.input.model);
      const candidate = {
        ...{ id: taskId, taskId, gen, lane, tenant: queued.tenant, priority: queued.priority },
        ...{ heldAt: now().getTime(), need: estimateNeed(queued.input), timeoutMs: queued.timeoutMs },
      };
      const ticket = await admission.admit(candidate, AbortSignal.any([cancel.signal, signal]));
      // Not admitted: cancelled while held (the cancel is the task's end) or handed back at shutdown.
      if (ticket === null) return cancel.signal.aborted ? ACK : { nak: 0 };
      let end: CallEnd = { used: null, headers: {}, pauseMs: null };
      try {
        await publishEvents(js, subjects, decide({ type: "StartAttempt", attempt: ref, executorId }, null, now()));
        const startedAt = now();
        const outcome = await runAttempt(deps, { queued, ref, cancel: cancel.signal, shutdown: signal });
        const { events, verdict, pauseLaneMs } = afterOutcome(outcome, { queued, ref, startedAt }, now(), deps);
        end = { ...callEnd(outcome), pauseMs: pauseLaneMs };
        // The call is done and paid for: its outcome waits out a NATS restart rather than be made again.
        await publishEventsRetrying(js, subjects, events, {
          withinMs: OUTCOME_PUBLISH_WITHIN_MS,
          signal,
          onRetry: (err, inMs) => log.warn({ taskId, err: String(err), retryInMs: inMs }, "outcome not published yet"),
        });
        logEnd(log, { ...ref, ms: now().getTime() - startedAt.getTime() }, events, verdict);
        return verdict;
      } finally {
        // Before the verdict: a 429's pause is in the lane before the task comes back to admission.
        await ticket.end(end);
      }
    } finally {
      cancellations.release(taskId);
    }
  }
}

/** What a call used and what the provider's headers said, for its lane and its tenant. */
function callEnd(outcome: Outcome): Omit<CallEnd, "pauseMs"> {
  switch (outcome.kind) {
    case "completed":
      return { used: outcome.result.usage, headers: outcome.result.headers ?? {} };
    case "failed":
      return { used: outcome.error.usage, headers: outcome.error.headers };
    case "cancelled":
    case "timed-out":
      return { used: outcome.partial.usage, headers: {} };
    case "handed-back":
      return { used: null, headers: {} };
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
