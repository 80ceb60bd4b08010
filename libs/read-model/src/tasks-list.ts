import type { TaskState, TaskStatus } from "@taskjet/events";
import { sql } from "kysely";
import type { Db } from "./schema.ts";
import { rowToState } from "./task-row.ts";
import type { ProjectedTask } from "./tasks-read.ts";

/** Where a page starts: after the task with this (createdAt, id), as Postgres casts them to timestamptz and uuid. */
export type TaskKeyset = { createdAt: string; id: string };

export type TaskFilter = {
  status?: readonly TaskStatus[] | undefined;
  parentId?: string | undefined;
  scheduleId?: string | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  after?: TaskKeyset | undefined;
  limit: number;
};

/**
 * One page of a tenant's tasks, newest first by (createdAt, id): a stable order for keyset pagination.
 * `more` says whether a next page exists (one row past the limit is read to know).
 */
export async function listTasks(db: Db, tenant: string, f: TaskFilter): Promise<{ tasks: TaskState[]; more: boolean }> {
  let query = db.selectFrom("tasks").selectAll().where("tenant", "=", tenant);
  if (f.status) query = query.where("status", "in", f.status);
  if (f.parentId) query = query.where(underParent(f.parentId));
  if (f.scheduleId) query = query.where("scheduleId", "=", f.scheduleId);
  if (f.createdAfter) query = query.where("createdAt", ">", new Date(f.createdAfter));
  if (f.createdBefore) query = query.where("createdAt", "<", new Date(f.createdBefore));
  if (f.after) {
    query = query.where(sql<boolean>`(created_at, id) < (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`);
  }
  const rows = await query
    .orderBy("createdAt", "desc")
    .orderBy("id", "desc")
    .limit(f.limit + 1)
    .execute();
  return { tasks: rows.slice(0, f.limit).map(rowToState), more: rows.length > f.limit };
}

/**
 * Tasks with this parent among theirs, a fan-in's included. The second clause is the partial index's own
 * predicate, so that Postgres sees the index applies.
 */
function underParent(parentId: string) {
  return sql<boolean>`(parent_ids @> ${JSON.stringify([parentId])}::jsonb and parent_ids <> '[]'::jsonb)`;
}

/** A tenant's tasks in `status`, or those changed after `since`, oldest change first, at most `limit`. */
export async function listTasksByUpdate(
  db: Db,
  tenant: string,
  f: { since: Date } | { status: readonly TaskStatus[] },
  limit: number,
): Promise<ProjectedTask[]> {
  let q = db.selectFrom("tasks").selectAll().where("tenant", "=", tenant);
  q = "since" in f ? q.where("updatedAt", ">", f.since) : q.where("status", "in", f.status);
  const rows = await q.orderBy("updatedAt", "asc").limit(limit).execute();
  return rows.map((row) => ({ state: rowToState(row), seq: Number(row.seq) }));
}
