import type { TaskState } from "@taskjet/events";
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
    prompt: row.prompt,
    system: row.system,
    model: row.model,
    maxTokens: row.maxTokens,
    temperature: row.temperature,
    runAt: iso(row.runAt),
    metadata: row.metadata,
    priority: row.priority,
    waiting: row.waiting,
    maxAttempts: row.maxAttempts,
    timeoutMs: row.timeoutMs,
    gen: row.gen,
    attempts: row.attempts,
    output: row.output,
    error: row.error,
    usage: row.usage,
    stopReason: row.stopReason,
    cancelReason: row.cancelReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function stateToRow(state: TaskState, seq: number) {
  return {
    ...state,
    metadata: JSON.stringify(state.metadata),
    error: JSON.stringify(state.error),
    usage: JSON.stringify(state.usage),
    waiting: JSON.stringify(state.waiting),
    seq,
  };
}
