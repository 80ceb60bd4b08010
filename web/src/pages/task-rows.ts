// The table's rows: the pages fetched over HTTP, overlaid with every version the WebSocket pushed since.
import type { Task, TaskStatus } from "../api/client.ts";
import { fromLocalInput } from "../format.ts";
import { isNewer } from "../live/hooks.ts";

export type Filters = {
  status: TaskStatus[];
  parentId: string | undefined;
  /** The tasks one schedule fired (`?scheduleId=`, the schedules page links here). */
  scheduleId?: string | undefined;
  createdAfter: string | undefined;
  createdBefore: string | undefined;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** The filters as the URL holds them (`?status=failed,running&parentId=…&after=…&before=…`, local times). */
export function filtersFrom(query: URLSearchParams, statuses: readonly TaskStatus[]): Filters {
  const status = (query.get("status") ?? "")
    .split(",")
    .filter((s): s is TaskStatus => statuses.includes(s as TaskStatus));
  const parent = query.get("parentId") ?? "";
  const schedule = query.get("scheduleId") ?? "";
  return {
    status,
    parentId: isUuid(parent) ? parent : undefined,
    scheduleId: isUuid(schedule) ? schedule : undefined,
    createdAfter: fromLocalInput(query.get("after") ?? ""),
    createdBefore: fromLocalInput(query.get("before") ?? ""),
  };
}

export function matches(t: Task, f: Filters): boolean {
  if (f.status.length > 0 && !f.status.includes(t.status)) return false;
  if (f.parentId && t.parentId !== f.parentId) return false;
  if (f.scheduleId && t.scheduleId !== f.scheduleId) return false;
  if (f.createdAfter && Date.parse(t.createdAt) <= Date.parse(f.createdAfter)) return false;
  if (f.createdBefore && Date.parse(t.createdAt) >= Date.parse(f.createdBefore)) return false;
  return true;
}

/** Newest first by (createdAt, id), the API's order. */
export function newestFirst(a: Task, b: Task): number {
  return Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The rows to show. A pushed task the pages do not hold is shown when it matches the filters and sorts before
 * the last row fetched (else it belongs to a page not fetched yet); a pushed version that no longer matches
 * (its status left the filter) takes the row away.
 */
export function mergeRows(pages: readonly Task[][], pushed: ReadonlyMap<string, Task>, f: Filters, more: boolean) {
  const rows = new Map<string, Task>();
  let last: Task | undefined;
  for (const page of pages) {
    for (const t of page) {
      rows.set(t.id, t);
      last = t;
    }
  }
  for (const t of pushed.values()) {
    const held = rows.get(t.id);
    if (held) {
      if (!isNewer(t, held)) continue;
      if (matches(t, f)) rows.set(t.id, t);
      else rows.delete(t.id);
    } else if (matches(t, f) && (!more || !last || newestFirst(t, last) < 0)) {
      rows.set(t.id, t);
    }
  }
  return [...rows.values()].sort(newestFirst);
}

export function countByStatus(rows: readonly Task[]): Map<TaskStatus, number> {
  const counts = new Map<TaskStatus, number>();
  for (const t of rows) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  return counts;
}
