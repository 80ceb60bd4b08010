import { TASK_STATUSES, type TaskStatus } from "@taskjet/events";
import { sql } from "kysely";
import type { Db } from "./schema.ts";

const MINUTE_MS = 60_000;
/** How many minutes of throughput the overview shows, the current (partial) minute last. */
export const STATS_MINUTES = 60;

export type MinuteCounts = { minute: Date; completed: number; failed: number };
export type TaskStats = { perMinute: MinuteCounts[]; countsByStatus: Record<TaskStatus, number> };

/** The start of each of the last `STATS_MINUTES` minutes up to `now`'s, oldest first. */
export function statsMinutes(now: Date): Date[] {
  const current = Math.floor(now.getTime() / MINUTE_MS);
  return Array.from({ length: STATS_MINUTES }, (_, i) => new Date((current - STATS_MINUTES + 1 + i) * MINUTE_MS));
}

/** One entry per minute of the window, zero where nothing finished (the query returns only minutes with some). */
export function fillMinutes(
  now: Date,
  counted: readonly { minute: number; completed: number; failed: number }[],
): MinuteCounts[] {
  const byMinute = new Map(counted.map((c) => [c.minute, c]));
  return statsMinutes(now).map((minute) => {
    const c = byMinute.get(minute.getTime() / MINUTE_MS);
    return { minute, completed: c?.completed ?? 0, failed: c?.failed ?? 0 };
  });
}

/**
 * A tenant's overview: tasks that finished completed or failed in each of the last 60 minutes (by the time
 * they finished, as they stand now: a failed task retried into success counts as completed), and how many
 * tasks are in each status. Served by the (tenant, finished_at) and (tenant, status) indexes.
 */
export async function readTaskStats(db: Db, tenant: string, now: Date): Promise<TaskStats> {
  const minutes = statsMinutes(now);
  const from = minutes[0] ?? now;
  const until = new Date(from.getTime() + STATS_MINUTES * MINUTE_MS);
  const [finished, statuses] = await Promise.all([
    db
      .selectFrom("tasks")
      .select([
        sql<number>`floor(extract(epoch from finished_at) / 60)::int`.as("minute"),
        sql<number>`(count(*) filter (where status = 'completed'))::int`.as("completed"),
        sql<number>`(count(*) filter (where status = 'failed'))::int`.as("failed"),
      ])
      .where("tenant", "=", tenant)
      .where("finishedAt", ">=", from)
      .where("finishedAt", "<", until)
      .where("status", "in", ["completed", "failed"])
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom("tasks")
      .select(["status", sql<number>`count(*)::int`.as("count")])
      .where("tenant", "=", tenant)
      .groupBy("status")
      .execute(),
  ]);
  const countsByStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const row of statuses) countsByStatus[row.status] = row.count;
  return { perMinute: fillMinutes(now, finished), countsByStatus };
}
