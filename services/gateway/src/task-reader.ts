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
  const state = (await readProjectedTask(deps, id))?.state ?? (await awaitProjection(deps, id));
  if (!state || state.tenant !== tenant) throw new TaskNotFoundError(id);
  return state;
}

/** How long a read of a task the read model lacks waits for the projector before reading the stream. */
const PROJECTION_WAIT_MS = 250;

/**
 * A task that exists in the stream but not yet in the read model (it was accepted a moment ago) is normally
 * projected within milliseconds: wait for the projector's notice rather than read the whole history from
 * the stream, which costs the server a consumer per call — under clients that poll, many per second.
 */
async function awaitProjection(deps: GatewayDeps, id: string): Promise<TaskState | null> {
  if ((await tenantInStream(deps, id)) === null) return null;
  const notice = deps.nc.subscribe(deps.subjects.projected(id), { max: 1 });
  try {
    const projected = await readProjectedTask(deps, id); // it may have landed before the subscription
    if (projected) return projected.state;
    const heard = (async () => {
      for await (const _ of notice) return true;
      return false;
    })();
    const timedOut = new Promise<false>((resolve) => setTimeout(resolve, PROJECTION_WAIT_MS, false).unref());
    if (await Promise.race([heard, timedOut])) {
      const now = await readProjectedTask(deps, id);
      if (now) return now.state;
    }
    return await readTaskFromStream(deps, id);
  } finally {
    notice.unsubscribe();
  }
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
