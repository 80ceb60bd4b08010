import { foldEvents, TaskNotFoundError, type TaskState } from "@taskjet/events";
import { historyPurgeOf, readProjectedTask } from "@taskjet/read-model";
import { findCreation, readTaskHistory, type TaskHistory } from "@taskjet/runtime";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";
import { projectionsOf } from "./projections.ts";
import { createStreamReadLimiter, type StreamReadLimiter } from "./stream-reads.ts";

export type TaskRead = { state: TaskState; quarantinedSeq: number | null };

/**
 * A task from the read model, or — while the projector has not caught up with a task just accepted — folded
 * from its events in the stream. Either way the same `evolve` made it. A row the projector could not bring up
 * to date (an event of it is quarantined) is not trusted: the stream answers, and the read says so. Another
 * tenant's task is not found.
 */
export async function readTask(deps: GatewayDeps, id: string, tenant: string): Promise<TaskRead> {
  const projected = await readProjectedTask(deps.db, id);
  const quarantinedSeq = projected?.quarantinedSeq ?? null;
  const state =
    quarantinedSeq !== null
      ? ((await readTaskFromStream(deps, id)) ?? projected?.state)
      : (projected?.state ?? (await awaitProjection(deps, id)));
  if (!state || state.tenant !== tenant) throw new TaskNotFoundError(id);
  return { state, quarantinedSeq };
}

/** How long a read of a task the read model lacks waits for the projector before reading the stream. */
const PROJECTION_WAIT_MS = 250;

/**
 * A task that exists in the stream but not yet in the read model (it was accepted a moment ago) is normally
 * projected within milliseconds: wait for the projector's notice rather than read its history from the
 * stream (a few direct gets per event, in a slot of the gateway's stream reads).
 */
async function awaitProjection(deps: GatewayDeps, id: string): Promise<TaskState | null> {
  if ((await tenantInStream(deps, id)) === null) return null;
  // Waiting before the look at the read model, so a version committed in between is not missed.
  const heard = projectionsOf(deps).waitFor(id, PROJECTION_WAIT_MS);
  const projected = await readProjectedTask(deps.db, id);
  if (projected) return projected.state;
  if (await heard) {
    const now = await readProjectedTask(deps.db, id);
    if (now) return now.state;
  }
  return await readTaskFromStream(deps, id);
}

/** Events a fold of one task reads at most; a longer history is refused rather than folded in part. */
const FOLD_MAX_EVENTS = 10_000;

const limiters = new WeakMap<GatewayDeps, StreamReadLimiter>();

/** This gateway's limit on concurrent stream reads (one per app, made on first use). */
export function streamReads(deps: GatewayDeps): StreamReadLimiter {
  let limiter = limiters.get(deps);
  if (!limiter) {
    const { STREAM_READ_CONCURRENCY: concurrency, STREAM_READ_WAIT_MS: maxWaitMs } = deps.config;
    limiter = createStreamReadLimiter({ concurrency, maxWaitMs });
    limiters.set(deps, limiter);
  }
  return limiter;
}

/**
 * Up to HISTORY_MAX_EVENTS events of a task, oldest first, after `afterSeq` when given — read with direct
 * gets (no consumer is left on the server), in a slot of this gateway's stream reads.
 */
export function readHistoryPage(deps: GatewayDeps, id: string, afterSeq?: number): Promise<TaskHistory> {
  const { jsm, names, subjects, config } = deps;
  const opts = { maxEvents: config.HISTORY_MAX_EVENTS, ...(afterSeq === undefined ? {} : { afterSeq }) };
  return streamReads(deps).run(() => readTaskHistory(jsm, names, subjects, id, opts));
}

/**
 * The task a command decides against: the stream's — unless its history is scheduled to leave the stream or
 * has left it (FINISHED_HISTORY_SECONDS), which no command may race: a 409. Another tenant's task never is.
 */
export async function readTaskForCommand(deps: GatewayDeps, id: string, tenant: string): Promise<TaskState | null> {
  const purge = await historyPurgeOf(deps.db, id);
  if (purge !== null && purge.tenant === tenant) throw historyPurged(id, purge.at, deps.now());
  return readTaskFromStream(deps, id);
}

export function historyPurged(id: string, at: Date, now: Date, status: 409 | 410 = 409): ApiError {
  const when = at > now ? "is leaving" : "left";
  return new ApiError(
    status,
    "history_purged",
    `task ${id} finished long enough ago that its history ${when} the stream at ${at.toISOString()} ` +
      "(FINISHED_HISTORY_SECONDS): the task can still be read, but its events are gone and it can no longer be retried, cancelled or chained onto",
  );
}

/** The task as the stream says it is now: what commands decide against (the read model may lag). */
export async function readTaskFromStream(deps: GatewayDeps, id: string): Promise<TaskState | null> {
  const { jsm, names, subjects } = deps;
  const history = await streamReads(deps).run(() =>
    readTaskHistory(jsm, names, subjects, id, { maxEvents: FOLD_MAX_EVENTS }),
  );
  if (history.truncated) {
    throw new ApiError(409, "history_too_long", `task ${id} has more than ${FOLD_MAX_EVENTS} events`, {
      taskId: id,
    });
  }
  return foldEvents(history.events.map((h) => h.event));
}

/** The tenant a task was created in, from its creating event (one or two direct gets), or null if none. */
export async function tenantInStream(deps: GatewayDeps, id: string): Promise<string | null> {
  return (await findCreation(deps.jsm, deps.names, deps.subjects, id))?.event.tenant ?? null;
}
