import type { Task, TaskStatus } from "../api/client.ts";
import { clock } from "../format.ts";

/**
 * Every status, in the order a task moves through them. A record over the API's own status type, so a status
 * the API adds (@taskjet/client's schema is generated from it) fails to compile here until the console knows it.
 */
const ORDER: Record<TaskStatus, true> = {
  submitted: true,
  scheduled: true,
  awaiting_parent: true,
  queued: true,
  running: true,
  retrying: true,
  completed: true,
  failed: true,
  cancelled: true,
};
export const STATUSES = Object.keys(ORDER) as readonly TaskStatus[];

export const TERMINAL: ReadonlySet<TaskStatus> = new Set(["completed", "failed", "cancelled"]);

export const statusLabel = (s: TaskStatus) => s.replace("_", " ");

/** The status as a coloured word; the word itself (e.g. `completed`) is what people and tests read. */
export function StatusBadge({ status }: { status: TaskStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}

type Waiting = NonNullable<Task["waiting"]>;

const WAIT_WORDS: Record<Waiting["reason"], string> = {
  rate_limited: "its model lane is paused after a 429 from the provider",
  lane_budget: "its model lane is out of requests or tokens for this minute",
  lane_concurrency: "its model lane has as many calls in flight as it may",
  tenant_concurrency: "your tenant has as many calls in flight as it may",
  spend_limit: "your tenant is over its spend limit: it waits for the limit to be raised or the period to turn",
};

/** Why a queued task is not running yet: `waiting: rate_limited until 10:42:05`. */
export function WaitingBadge({ waiting }: { waiting: Waiting }) {
  const until = waiting.until ? ` until ${clock(waiting.until)}` : "";
  return (
    <span
      className="waiting-badge"
      data-waiting={waiting.reason}
      title={`Waiting in ${waiting.lane} since ${clock(waiting.since)}: ${WAIT_WORDS[waiting.reason]}`}
    >
      waiting: {waiting.reason}
      {until}
    </span>
  );
}

/** Normal is the quiet default; high and low stand out. */
export function PriorityBadge({ priority }: { priority: Task["priority"] }) {
  return (
    <span className={`priority priority-${priority}`} data-priority={priority}>
      {priority}
    </span>
  );
}
