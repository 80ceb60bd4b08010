import { queued } from "@taskjet/events";
import { ACK, type Delivery, loadTaskFromStream, publishEvent, type Verdict } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

/**
 * A failed task asked to go round again runs at once as a new queue generation, its attempts counted on from
 * where they were and with the prompt it last ran with (a chained task keeps its resolved prompt).
 */
export function onRetryRequested(deps: SchedulerDeps) {
  const { js, jsm, names, subjects, log, now } = deps;
  return async ({ event }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskRetryRequested") return ACK;
    const state = await loadTaskFromStream(js, jsm, names, subjects, event.taskId);
    if (state === null || state.status !== "submitted" || state.gen !== event.gen) {
      log.info({ taskId: event.taskId, gen: event.gen, status: state?.status }, "retry no longer applies; skipped");
      return ACK;
    }
    await publishEvent(js, subjects, queued(state, now()));
    log.info({ taskId: state.id, gen: state.gen, attemptsBefore: state.attempts }, "requeued by retry");
    return ACK;
  };
}
