import { TaskNotFoundError, type TaskState } from "@taskjet/events";
import { lastEvent, loadTaskFromStream, rowToState } from "@taskjet/runtime";
import type { GatewayDeps } from "./deps.ts";

/** A task as the read model has it, and the stream sequence of the last event that row reflects. */
export async function readProjectedTask(
  deps: GatewayDeps,
  id: string,
): Promise<{ state: TaskState; seq: number } | null> {
  const row = await deps.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? { state: rowToState(row), seq: Number(row.seq) } : null;
}

/**
 * A task from the read model, or — while the projector has not caught up with a task just accepted — folded
 * from its events in the stream. Either way the same `evolve` made it. Another tenant's task is not found.
 */
export async function readTask(deps: GatewayDeps, id: string, tenant: string): Promise<TaskState> {
  const state = (await readProjectedTask(deps, id))?.state ?? (await readTaskFromStream(deps, id));
  if (!state || state.tenant !== tenant) throw new TaskNotFoundError(id);
  return state;
}

/** The task as the stream says it is now: what commands decide against (the read model may lag). */
export function readTaskFromStream(deps: GatewayDeps, id: string): Promise<TaskState | null> {
  return loadTaskFromStream(deps.js, deps.jsm, deps.names, deps.subjects, id);
}

/** The tenant a task was created in, from its creating event (one or two direct gets), or null if none. */
export async function tenantInStream(deps: GatewayDeps, id: string): Promise<string | null> {
  const { jsm, names, subjects } = deps;
  const created =
    (await lastEvent(jsm, names, subjects, id, "TaskSubmitted")) ??
    (await lastEvent(jsm, names, subjects, id, "TaskChained"));
  return created?.event.tenant ?? null;
}
