import { TaskNotFoundError, type TaskState } from "@taskjet/events";
import { loadTaskFromStream, rowToState } from "@taskjet/runtime";
import type { GatewayDeps } from "./deps.ts";

/**
 * A task from the read model, or — while the projector has not caught up with a task just accepted — folded
 * from its events in the stream. Either way the same `evolve` made it.
 */
export async function readTask(deps: GatewayDeps, id: string): Promise<TaskState> {
  const row = await deps.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  if (row) return rowToState(row);
  const state = await loadTaskFromStream(deps.js, deps.jsm, deps.names, deps.subjects, id);
  if (!state) throw new TaskNotFoundError(id);
  return state;
}
