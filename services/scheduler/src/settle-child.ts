import { decide, type TaskState } from "@taskjet/events";
import { publishEvents } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

export type Settled = "queued" | "cancelled" | "waiting";

/**
 * Settles a due chained task given its parent, as `decideSettleChild` decides. Publishes are idempotent
 * (deterministic message ids), so the chained-task reaction and the parent-finished reaction may both settle
 * the same child safely.
 */
export async function settleChild(deps: SchedulerDeps, child: TaskState, parent: TaskState | null): Promise<Settled> {
  const [event] = decide({ type: "SettleChild", taskId: child.id, parent, limits: deps.limits }, child, deps.now());
  if (event === undefined) return "waiting";
  await publishEvents(deps.js, deps.subjects, [event]);
  const reason = event.type === "TaskCancelled" ? event.reason : undefined;
  deps.log.info({ taskId: child.id, parentId: child.parentId, outcome: event.type, reason }, "chained task settled");
  return event.type === "TaskQueued" ? "queued" : "cancelled";
}
