import { ACTIVE_STATUSES, TaskNotFoundError } from "@taskjet/events";
import { listTasksByUpdate, readProjectedTasks } from "@taskjet/read-model";
import type { GatewayDeps } from "../deps.ts";
import { tenantInStream } from "../task-reader.ts";
import type { Session } from "./session.ts";

/** Ids read from the read model in one query. */
export const SNAPSHOT_CHUNK = 500;
/** Tasks a subscription to all of them starts with. */
const SNAPSHOT_ALL_MAX = 500;

/**
 * A snapshot is what the read model has: a task it has not seen yet gets no snapshot, and its every version
 * follows from the projector's notices (the subscription is in place before this read, so none is missed).
 * Read SNAPSHOT_CHUNK ids per query; an id the read model lacks is looked up in the stream (its creating
 * event: is it the client's?). Stops as soon as the session is closed: a client gone costs nothing more.
 */
export async function snapshotById(deps: GatewayDeps, session: Session, ids: readonly string[]) {
  for (let i = 0; i < ids.length && !session.closed; i += SNAPSHOT_CHUNK) {
    const chunk = ids.slice(i, i + SNAPSHOT_CHUNK);
    const projected = await readProjectedTasks(deps.db, chunk);
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
  const which = since ? { since: new Date(since) } : { status: [...ACTIVE_STATUSES] };
  const tasks = await listTasksByUpdate(deps.db, session.tenant, which, SNAPSHOT_ALL_MAX);
  for (const task of tasks) session.pushTask(task.state, task.seq);
}
