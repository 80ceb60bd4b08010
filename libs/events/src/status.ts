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

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
