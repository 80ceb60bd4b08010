import { definedOptions, REQUEST_OPTION_KEYS, type RequestOptions, type TaskState } from "@taskjet/events";
import type { Selectable } from "kysely";
import type { TasksTable } from "./schema.ts";

export type TaskRow = Selectable<TasksTable>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function rowToState(row: TaskRow): TaskState {
  return {
    id: row.id,
    status: row.status,
    tenant: row.tenant,
    idempotencyKey: row.idempotencyKey,
    parentId: row.parentId,
    parentIds: row.parentIds,
    onParentFailure: row.onParentFailure,
    depth: row.depth,
    scheduleId: row.scheduleId,
    scheduledFor: iso(row.scheduledFor),
    prompt: row.prompt,
    system: row.system,
    model: row.model,
    maxTokens: row.maxTokens,
    temperature: row.temperature,
    ...row.options,
    runAt: iso(row.runAt),
    metadata: row.metadata,
    priority: row.priority,
    waiting: row.waiting,
    webhook: row.webhook,
    maxAttempts: row.maxAttempts,
    timeoutMs: row.timeoutMs,
    gen: row.gen,
    attempts: row.attempts,
    output: row.output,
    content: row.content,
    outputRef: row.outputRef,
    error: row.error,
    usage: row.usage,
    costUsd: row.costUsd,
    cached: row.cached,
    stopReason: row.stopReason,
    cancelReason: row.cancelReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function stateToRow(state: TaskState, seq: number) {
  // The options share one jsonb column: a new Messages API field needs no migration.
  const columns: Partial<TaskState> = { ...state };
  for (const key of REQUEST_OPTION_KEYS) delete columns[key];
  return {
    ...(columns as Omit<TaskState, keyof RequestOptions>),
    parentIds: JSON.stringify(state.parentIds),
    system: JSON.stringify(state.system),
    options: JSON.stringify(definedOptions(state)),
    content: JSON.stringify(state.content),
    outputRef: JSON.stringify(state.outputRef),
    metadata: JSON.stringify(state.metadata),
    error: JSON.stringify(state.error),
    usage: JSON.stringify(state.usage),
    waiting: JSON.stringify(state.waiting),
    webhook: JSON.stringify(state.webhook),
    seq,
  };
}
