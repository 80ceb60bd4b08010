import { TaskNotFoundError, type TaskState } from "@taskjet/events";
import { loadTaskFromStream, rowToState } from "@taskjet/runtime";
import type { GatewayDeps } from "./deps.ts";

/**
 * A task from the read model, or — while the projector has not caught up with a task just accepted — folded
 * from its events in the stream. Either way the same `evolve` made it. Another tenant's task is not found.
 */
export async function readTask(deps: GatewayDeps, id: string, tenant: string): Promise<TaskState> {
  const row = await deps.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  const state = row ? rowToState(row) : await readTaskFromStream(deps, id);
  if (!state || state.tenant !== tenant) throw new TaskNotFoundError(id);
  return state;
}

/** The task as the stream says it is now: what commands decide against (the read model may lag). */
export function readTaskFromStream(deps: GatewayDeps, id: string): Promise<TaskState | null> {
  return loadTaskFromStream(deps.js, deps.jsm, deps.names, deps.subjects, id);
}
