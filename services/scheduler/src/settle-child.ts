import { decideChildStart, type InputLimits, LIMITS, type TaskState } from "@taskjet/events";
import { type Config, publishEvent } from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

export type Settled = "queued" | "cancelled" | "waiting";

/**
 * The scheduler has no NATS connection to ask for max_payload, and its deps carry the configured prompt limit
 * only when the caller passes `config`: without them, the defaults both are deployed with.
 */
const limitsOf = (deps: SchedulerDeps & { config?: Pick<Config, "MAX_PROMPT_CHARS"> }): InputLimits => ({
  maxPromptChars: deps.config?.MAX_PROMPT_CHARS ?? LIMITS.promptChars,
  maxPayloadBytes: LIMITS.natsPayloadBytes,
});

/**
 * Settles a due chained task given its parent, as `decideChildStart` decides. Publishes are idempotent
 * (deterministic message ids), so the chained-task reaction and the parent-finished reaction may both settle
 * the same child safely.
 */
export async function settleChild(deps: SchedulerDeps, child: TaskState, parent: TaskState | null): Promise<Settled> {
  const event = decideChildStart(child, parent, deps.now(), limitsOf(deps));
  if (event === null) return "waiting";
  await publishEvent(deps.js, deps.subjects, event);
  const reason = event.type === "TaskCancelled" ? event.reason : undefined;
  deps.log.info({ taskId: child.id, parentId: child.parentId, outcome: event.type, reason }, "chained task settled");
  return event.type === "TaskQueued" ? "queued" : "cancelled";
}
