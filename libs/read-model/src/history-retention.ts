import { TERMINAL_STATUSES } from "@taskjet/events";
import { sql } from "kysely";
import type { Db } from "./schema.ts";

/**
 * Retention of finished tasks' history, in two steps so no command can land on a task half gone: first a
 * task finished before `finishedBefore` is scheduled (`history_purge_at`), from which moment the gateway
 * refuses commands on it; then, once that time has come, its events are purged and the purge recorded.
 */
export async function scheduleHistoryPurges(
  db: Db,
  o: { finishedBefore: Date; purgeAt: Date; limit: number },
): Promise<number> {
  const due = db
    .selectFrom("tasks")
    .select("id")
    .where("finishedAt", "<", o.finishedBefore)
    .where("historyPurgeAt", "is", null)
    .where("status", "in", [...TERMINAL_STATUSES])
    // A parent stays while a child still waits on it: the scheduler renders the child from the parent's events
    // once the last of a fan-in's parents has finished (the GIN index over parent_ids serves this).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("tasks as child")
            .select(sql.lit(1).as("one"))
            .where(sql<boolean>`child.parent_ids @> jsonb_build_array(tasks.id) and child.parent_ids <> '[]'::jsonb`)
            .where("child.status", "not in", [...TERMINAL_STATUSES]),
        ),
      ),
    )
    .orderBy("finishedAt")
    .limit(o.limit);
  const result = await db
    .updateTable("tasks")
    .set({ historyPurgeAt: o.purgeAt })
    .where("id", "in", due)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Tasks whose purge time has come and whose events are still in the stream, with the last sequence folded. */
export async function historyPurgesDue(db: Db, now: Date, limit: number) {
  const rows = await db
    .selectFrom("tasks")
    .select(["id", "seq", "status"])
    .where("historyPurgeAt", "<=", now)
    .where("historyPurgedAt", "is", null)
    .orderBy("historyPurgeAt")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, seq: Number(r.seq), finished: TERMINAL_STATUSES.has(r.status) }));
}

export async function recordHistoryPurged(db: Db, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable("tasks").set({ historyPurgedAt: at }).where("id", "in", ids).execute();
}

/** A task that moved on after it was scheduled (a command that came before the schedule) keeps its history. */
export async function unscheduleHistoryPurge(db: Db, id: string): Promise<void> {
  await db.updateTable("tasks").set({ historyPurgeAt: null }).where("id", "=", id).execute();
}

/** The tenant of a task whose history is scheduled to go or gone, and when; null for any other task. */
export async function historyPurgeOf(db: Db, id: string): Promise<{ tenant: string; at: Date } | null> {
  const row = await db
    .selectFrom("tasks")
    .select(["tenant", "historyPurgeAt"])
    .where("id", "=", id)
    .where("historyPurgeAt", "is not", null)
    .executeTakeFirst();
  return row?.historyPurgeAt ? { tenant: row.tenant, at: row.historyPurgeAt } : null;
}
