import { decide } from "@taskjet/events";
import { ACK, type Delivery, loadTaskFromStream, publishEvents, type Verdict } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

/**
 * A failed task asked to go round again runs at once as a new queue generation, its attempts counted on from
 * where they were and with the prompt it last ran with (a chained task keeps its resolved prompt).
 */
export function onRetryRequested(deps: SchedulerDeps) {
  const { js, jsm, names, subjects, log, now } = deps;
  return async ({ event }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskRetryRequested") return ACK;
    const { taskId, gen } = event;
    const state = await loadTaskFromStream(js, jsm, names, subjects, taskId);
    const events = state === null ? [] : decide({ type: "QueueTask", taskId, gen }, state, now());
    if (events.length === 0) {
      log.info({ taskId, gen, status: state?.status }, "retry no longer applies; skipped");
      return ACK;
    }
    await publishEvents(js, subjects, events);
    log.info({ taskId, gen, attemptsBefore: state?.attempts }, "requeued by retry");
    return ACK;
  };
}
