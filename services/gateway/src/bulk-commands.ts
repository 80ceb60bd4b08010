import {
  ACTIVE_STATUSES,
  type CancelTask,
  decide,
  foldEvents,
  IllegalTransitionError,
  type RetryTask,
  type TaskEvent,
  TaskNotFoundError,
  type TaskState,
  type TaskStatus,
} from "@taskjet/events";
import { listTasks } from "@taskjet/read-model";
import { publishEvents } from "@taskjet/runtime";
import type { FastifyBaseLogger } from "fastify";
import { resolveBodies } from "./bodies.ts";
import { BULK_MAX, type BulkFilter, type BulkOutcome } from "./bulk-schemas.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError, isUnavailable } from "./errors.ts";
import { mapPooled } from "./map-pooled.ts";
import type { Principal } from "./principal.ts";
import { readTaskForCommand } from "./task-reader.ts";
import { toResource } from "./task-view.ts";

type Command = CancelTask | RetryTask;
/** A command without its task: what a bulk request applies to each task it names. */
export type BulkCommand = Omit<CancelTask, "taskId"> | Omit<RetryTask, "taskId">;
export type Targets = { ids?: string[] | undefined; filter?: BulkFilter | undefined };

/** The statuses a command can act on: what a filter for it may ask for, and what it asks for by default. */
const ACTIONABLE: Record<Command["type"], readonly TaskStatus[]> = {
  CancelTask: ACTIVE_STATUSES,
  RetryTask: ["failed"],
};

/**
 * A filter's statuses for a command, only those it can act on: so every task a filter picks is one the command
 * moves out of the filter, and the same request repeated reaches the next ones rather than the same again.
 */
export function filterStatuses(type: Command["type"], asked: readonly TaskStatus[] | undefined): TaskStatus[] {
  const actionable = ACTIONABLE[type];
  const wrong = (asked ?? []).filter((s) => !actionable.includes(s));
  if (wrong.length > 0) {
    throw new ApiError(400, "invalid_request", `body.filter.status: ${type} acts on ${actionable.join(", ")} only`, [
      { path: "body.filter.status", message: `${wrong.join(", ")} cannot be acted on` },
    ]);
  }
  return [...(asked ?? actionable)];
}

/** A command decided against a task as the stream has it: the events to publish, or the outcome already known. */
export type Decision =
  | { id: string; events: TaskEvent[]; before: TaskState }
  | { id: string; outcome: BulkOutcome; current?: TaskState };

/** What `decide` says of one task, as an outcome rather than an error: another tenant's task is not found. */
export function decideOne(cmd: Command, current: TaskState | null, tenant: string, now: Date): Decision {
  const id = cmd.taskId;
  if (current === null || current.tenant !== tenant) return { id, outcome: "not_found" };
  try {
    return { id, events: decide(cmd, current, now), before: current };
  } catch (err) {
    if (err instanceof IllegalTransitionError) return { id, outcome: "illegal_transition", current };
    if (err instanceof TaskNotFoundError) return { id, outcome: "not_found" };
    throw err;
  }
}

/** The outcome of a command whose events were published: none means the task already was where it leads. */
export function publishedOutcome(type: Command["type"], events: readonly TaskEvent[]): BulkOutcome {
  if (type === "RetryTask") return "retried";
  return events.length > 0 ? "cancelled" : "already_cancelled";
}

/** The tasks a request names: its ids, or the newest BULK_MAX of the caller's tasks its filter matches. */
async function targetIds(deps: GatewayDeps, tenant: string, type: Command["type"], t: Targets) {
  if (t.ids) return { ids: [...new Set(t.ids)], truncated: false };
  const status = filterStatuses(type, t.filter?.status);
  const { tasks, more } = await listTasks(deps.db, tenant, { ...t.filter, status, limit: BULK_MAX });
  return { ids: tasks.map((task) => task.id), truncated: more };
}

/**
 * Runs one command over many tasks: each read from the stream and decided as the single-task route does, then
 * every decision published at once (each task's own events in order) and the acks awaited together.
 */
export async function commandMany(
  deps: GatewayDeps,
  principal: Principal,
  targets: Targets,
  command: BulkCommand,
  log: FastifyBaseLogger,
) {
  const { type } = command;
  const { ids, truncated } = await targetIds(deps, principal.tenant, type, targets);
  const decisions = await mapPooled(ids, deps.config.STREAM_READ_CONCURRENCY, async (taskId) => {
    const cmd: Command = { ...command, taskId };
    try {
      return decideOne(cmd, await readTaskForCommand(deps, taskId, principal.tenant), principal.tenant, deps.now());
    } catch (err) {
      if (err instanceof ApiError && err.code === "history_purged")
        return { id: taskId, outcome: "history_purged" as const };
      throw err;
    }
  });
  const resource = async (s: TaskState) => toResource(await resolveBodies(deps, s));
  const results = await Promise.all(
    decisions.map(async (d) => {
      if ("outcome" in d) {
        return { id: d.id, outcome: d.outcome, ...(d.current ? { task: await resource(d.current) } : {}) };
      }
      try {
        await publishEvents(deps.js, deps.subjects, d.events);
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        log.warn({ err, taskId: d.id }, "a bulk command's events were not published");
        return { id: d.id, outcome: "unavailable" as const };
      }
      const after = foldEvents(d.events, d.before) ?? d.before;
      return { id: d.id, outcome: publishedOutcome(type, d.events), task: await resource(after) };
    }),
  );
  return { results, truncated };
}
