import { decideChildStart, type TaskState } from "@taskjet/events";
import { publishEvent } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

export type Settled = "queued" | "cancelled" | "waiting";

/**
 * Settles a due chained task given its parent, as `decideChildStart` decides. Publishes are idempotent
 * (deterministic message ids), so the chained-task reaction and the parent-finished reaction may both settle
 * the same child safely.
 */
export async function settleChild(deps: SchedulerDeps, child: TaskState, parent: TaskState | null): Promise<Settled> {
  const event = decideChildStart(child, parent, deps.now(), deps.limits);
  if (event === null) return "waiting";
  await publishEvent(deps.js, deps.subjects, event);
  const reason = event.type === "TaskCancelled" ? event.reason : undefined;
  deps.log.info({ taskId: child.id, parentId: child.parentId, outcome: event.type, reason }, "chained task settled");
  return event.type === "TaskQueued" ? "queued" : "cancelled";
}
