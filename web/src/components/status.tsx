import type { TaskStatus } from "../api/client.ts";

export const STATUSES: readonly TaskStatus[] = [
  "submitted",
  "scheduled",
  "awaiting_parent",
  "queued",
  "running",
  "retrying",
  "completed",
  "failed",
  "cancelled",
];

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
