export const TASK_STATUSES = [
  "submitted",
  "scheduled",
  "awaiting_parent",
  "queued",
  "running",
  "retrying",
  "completed",
  "failed",
  "cancelled",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Nothing but a retry request moves a task out of these; `failed` alone can be reopened. */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["completed", "failed", "cancelled"]);

/** Every status a task can still leave on its own: what a cancel stops and what a live view follows. */
export const ACTIVE_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s));

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
