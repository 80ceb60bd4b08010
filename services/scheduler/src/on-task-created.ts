import { type EventOf, evolve, queued, type TaskState } from "@taskjet/events";
import { ACK, type Delivery, lastEvent, loadTaskFromStream, publishEvent, type Verdict } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";
import { settleChild } from "./settle-child.ts";

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
    const state = evolve(null, event) as TaskState;
    if (await lastEvent(jsm, names, subjects, state.id, "TaskCancelled")) {
      log.info({ taskId: state.id }, "cancelled before it was due; not queued");
      return ACK;
    }
    const waitMs = state.runAt === null ? 0 : Date.parse(state.runAt) - now().getTime();
    if (waitMs > 0) {
      // Looked up on every arrival: the delivery count cannot tell a first arrival from a held one coming back.
      const announced = await lastEvent(jsm, names, subjects, state.id, "TaskScheduled");
      if (!announced) {
        await publishEvent(js, subjects, {
          type: "TaskScheduled",
          v: 1,
          taskId: state.id,
          at: now().toISOString(),
          runAt: state.runAt as string,
        });
      }
      log.debug({ taskId: state.id, runAt: state.runAt, waitMs }, "holding until due");
      return { nak: waitMs };
    }
    if (event.type === "TaskSubmitted") {
      await publishEvent(js, subjects, queued(state, now()));
      return ACK;
    }
    return startChained(state, event);
  };

  async function startChained(child: TaskState, event: EventOf<"TaskChained">): Promise<Verdict> {
    const parentOf = () => loadTaskFromStream(js, jsm, names, subjects, event.parentId);
    if ((await settleChild(deps, child, await parentOf())) !== "waiting") return ACK;
    await deps.waiting.add(event.parentId, child.id);
    await publishEvent(js, subjects, {
      type: "TaskAwaitingParent",
      v: 1,
      taskId: child.id,
      at: now().toISOString(),
      parentId: event.parentId,
    });
    // The parent may have finished between the first look and the registration: look again.
    await settleChild(deps, child, await parentOf());
    return ACK;
  }
}
