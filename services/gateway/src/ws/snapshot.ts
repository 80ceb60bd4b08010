import { TASK_STATUSES, TaskNotFoundError } from "@taskjet/events";
import { rowToState } from "@taskjet/runtime";
import type { GatewayDeps } from "../deps.ts";
import { readProjectedTasks, tenantInStream } from "../task-reader.ts";
import type { Session } from "./session.ts";

/** Ids read from the read model in one query. */
export const SNAPSHOT_CHUNK = 500;
const ACTIVE = TASK_STATUSES.filter((s) => !["completed", "failed", "cancelled"].includes(s));

/**
 * A snapshot is what the read model has: a task it has not seen yet gets no snapshot, and its every version
 * follows from the projector's notices (the subscription is in place before this read, so none is missed).
 * Read SNAPSHOT_CHUNK ids per query; an id the read model lacks is looked up in the stream (its creating
 * event: is it the client's?). Stops as soon as the session is closed: a client gone costs nothing more.
 */
export async function snapshotById(deps: GatewayDeps, session: Session, ids: readonly string[]) {
  for (let i = 0; i < ids.length && !session.closed; i += SNAPSHOT_CHUNK) {
    const chunk = ids.slice(i, i + SNAPSHOT_CHUNK);
    const projected = await readProjectedTasks(deps, chunk);
    for (const id of chunk) {
      if (session.closed) return;
      const task = projected.get(id);
      const tenant = task?.state.tenant ?? (await tenantInStream(deps, id));
      if (tenant !== session.tenant) {
        const err = new TaskNotFoundError(id);
        session.send({ type: "error", error: { code: "not_found", message: err.message, details: { taskId: id } } });
        session.unsubscribe([id], false);
      } else if (task) {
        session.pushTask(task.state, task.seq);
      }
    }
  }
}

/** The caller's live tasks (or, resuming, those changed `since`), oldest change first, at most 500. */
export async function snapshotAll(deps: GatewayDeps, session: Session, since: string | undefined) {
  if (session.closed) return;
  let q = deps.db.selectFrom("tasks").selectAll().where("tenant", "=", session.tenant);
  q = since ? q.where("updatedAt", ">", new Date(since)) : q.where("status", "in", ACTIVE);
  const rows = await q.orderBy("updatedAt", "asc").limit(500).execute();
  for (const row of rows) session.pushTask(rowToState(row), Number(row.seq));
}
