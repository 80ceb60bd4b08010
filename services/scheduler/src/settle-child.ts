import { queued, type TaskEvent, type TaskState } from "@taskjet/events";
import { publishEvent } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";
import { renderChildPrompt } from "./template.ts";

export type Settled = "queued" | "cancelled" | "waiting";

/**
 * What a due chained task does given its parent: run on a completed parent's output, follow a failed or
 * cancelled parent into cancellation, or keep waiting. Publishes are idempotent (deterministic message ids),
 * so the chained-task reaction and the parent-finished reaction may both settle the same child safely.
 */
export async function settleChild(deps: SchedulerDeps, child: TaskState, parent: TaskState | null): Promise<Settled> {
  const at = deps.now();
  const cancel = (reason: string): TaskEvent => ({
    type: "TaskCancelled",
    v: 1,
    taskId: child.id,
    at: at.toISOString(),
    reason,
  });
  let event: TaskEvent;
  if (parent === null) event = cancel("parent-not-found");
  else if (parent.status === "completed")
    event = queued(child, at, renderChildPrompt(child.prompt, parent.output ?? ""));
  else if (parent.status === "cancelled") event = cancel("parent-cancelled");
  else if (parent.status === "failed") event = cancel("parent-failed");
  else return "waiting";
  await publishEvent(deps.js, deps.subjects, event);
  deps.log.info({ taskId: child.id, parentId: child.parentId, outcome: event.type }, "chained task settled");
  return event.type === "TaskQueued" ? "queued" : "cancelled";
}
