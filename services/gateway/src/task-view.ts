import { definedOptions, type TaskState } from "@taskjet/events";
import type { TaskResource } from "./api-schemas.ts";

/**
 * The public shape of a task: the state minus what is internal (tenant, generation, idempotency key), and the
 * sequence of an event of it the read model could not apply, if any.
 */
export function toResource(s: TaskState, quarantinedSeq: number | null = null): TaskResource {
  return {
    id: s.id,
    status: s.status,
    prompt: s.prompt,
    system: s.system,
    model: s.model,
    maxTokens: s.maxTokens,
    temperature: s.temperature,
    ...definedOptions({ ...s, inputRef: undefined }),
    runAt: s.runAt,
    parentId: s.parentId,
    parentIds: s.parentIds,
    onParentFailure: s.onParentFailure,
    scheduleId: s.scheduleId,
    scheduledFor: s.scheduledFor,
    attempts: s.attempts,
    maxAttempts: s.maxAttempts,
    timeoutSeconds: s.timeoutMs / 1000,
    output: s.output,
    content: s.content ?? (s.output === null || s.status !== "completed" ? null : [{ type: "text", text: s.output }]),
    error: s.error,
    usage: s.usage,
    costUsd: s.costUsd,
    cached: s.cached,
    stopReason: s.stopReason,
    cancelReason: s.cancelReason,
    metadata: s.metadata,
    priority: s.priority,
    webhook: s.webhook,
    waiting: s.waiting,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    quarantinedSeq,
  };
}
