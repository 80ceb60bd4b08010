import { created, decide, msUntilDue, type TaskState } from "@taskjet/events";
import { ACK, type Delivery, lastEvent, publishEvents, type Verdict } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";
import { loadParents, settleChild } from "./settle-child.ts";

/**
 * A new task (submitted or chained) runs when it is due and, if chained, when its parent has completed.
 * A future task is announced as TaskScheduled and its creating message is held on the server (`nak(delay)`)
 * until due, so the timer survives any restart; the due time is checked again on every arrival, since held
 * messages can come back a little early after a server restart. A due chained task whose parent is still on
 * its way is recorded as waiting (KV) and announced as TaskAwaitingParent; the parent's end settles it.
 */
export function onTaskCreated(deps: SchedulerDeps) {
  const { js, jsm, names, subjects, log, now } = deps;

  return async ({ event }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskSubmitted" && event.type !== "TaskChained") return ACK;
    const state = created(event);
    const taskId = state.id;
    if (await lastEvent(jsm, names, subjects, taskId, "TaskCancelled")) {
      log.info({ taskId }, "cancelled before it was due; not queued");
      return ACK;
    }
    const at = now();
    const waitMs = msUntilDue(state, at);
    if (waitMs > 0) {
      // Looked up on every arrival: the delivery count cannot tell a first arrival from a held one coming back.
      const announced = (await lastEvent(jsm, names, subjects, taskId, "TaskScheduled")) !== null;
      await publishEvents(js, subjects, decide({ type: "ScheduleTask", taskId, announced }, state, at));
      log.debug({ taskId, runAt: state.runAt, waitMs }, "holding until due");
      return { nak: waitMs };
    }
    if (state.runAt !== null) deps.metrics.timerFired(at.getTime() - Date.parse(state.runAt));
    if (state.parentId === null) {
      await publishEvents(js, subjects, decide({ type: "QueueTask", taskId, gen: state.gen }, state, at));
      return ACK;
    }
    return startChained(state);
  };

  /** A fan-in child waits on every parent: whichever ends last settles it. */
  async function startChained(child: TaskState): Promise<Verdict> {
    const parentsOf = () => loadParents(deps, child);
    if ((await settleChild(deps, child, await parentsOf())) !== "waiting") return ACK;
    for (const parentId of child.parentIds) await deps.waiting.add(parentId, child.id);
    await publishEvents(js, subjects, decide({ type: "AwaitParent", taskId: child.id }, child, now()));
    // A parent may have finished between the first look and the registration: look again.
    await settleChild(deps, child, await parentsOf());
    return ACK;
  }
}
