import { ACK, type Delivery, loadTaskFromStream, type Verdict } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";
import { loadParents, settleChild } from "./settle-child.ts";

const WAITING = new Set(["submitted", "awaiting_parent"]);

/**
 * A task completed, failed or was cancelled: settle every child waiting on it, each against all its parents (a
 * fan-in child still waiting on another keeps waiting; that one's end settles it). Cancelling a child publishes
 * its own TaskCancelled, which comes back here for the grandchildren, so a cascade reaches any depth. A child
 * is settled only while it still waits, and its events have deterministic ids, so neither a late redelivery nor
 * two parents ending at once queue it twice.
 */
export function onTaskFinished(deps: SchedulerDeps) {
  const { js, jsm, names, subjects } = deps;
  const load = (id: string) => loadTaskFromStream(js, jsm, names, subjects, id);

  return async ({ event }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskCompleted" && event.type !== "TaskFailed" && event.type !== "TaskCancelled") return ACK;
    const parentId = event.taskId;
    for (;;) {
      const { children, revision } = await deps.waiting.list(parentId);
      if (children.length === 0) return ACK;
      for (const childId of children) {
        const child = await load(childId);
        if (child && WAITING.has(child.status)) await settleChild(deps, child, await loadParents(deps, child));
      }
      if (await deps.waiting.clear(parentId, revision)) return ACK;
    }
  };
}
