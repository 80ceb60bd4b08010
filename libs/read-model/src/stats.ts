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

const DAY_MS = 86_400_000;
/** How many UTC days of spend the overview shows, today (so far) last. */
export const COST_DAYS = 30;

export type DayCost = { day: string; costUsd: number };

/** The UTC days (`2026-11-26`) of the last `days` up to `now`'s, oldest first. */
export function costDays(now: Date, days: number): string[] {
  const today = Math.floor(now.getTime() / DAY_MS);
  return Array.from({ length: days }, (_, i) => new Date((today - days + 1 + i) * DAY_MS).toISOString().slice(0, 10));
}

/** The instant the first of the last `days` days begins, and the one after `now`'s day ends. */
function dayRange(now: Date, days: number): { from: Date; until: Date } {
  const today = Math.floor(now.getTime() / DAY_MS);
  return { from: new Date((today - days + 1) * DAY_MS), until: new Date((today + 1) * DAY_MS) };
}

/**
 * What a tenant's tasks cost per UTC day over the last `days` (zero where nothing was spent), by the day each
 * task finished: a task's cost (every attempt's) is known once it has finished, so a running task counts on the
 * day it ends, and a task retried after failing moves, all of it, to the day of its new end.
 */
export async function readCostPerDay(db: Db, tenant: string, now: Date, days = COST_DAYS): Promise<DayCost[]> {
  const { from, until } = dayRange(now, days);
  const rows = await db
    .selectFrom("tasks")
    .select([
      sql<string>`to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD')`.as("day"),
      sql<number>`sum(cost_usd)::float8`.as("costUsd"),
    ])
    .where("tenant", "=", tenant)
    .where("finishedAt", ">=", from)
    .where("finishedAt", "<", until)
    .groupBy(sql`1`)
    .execute();
  const byDay = new Map(rows.map((r) => [r.day, r.costUsd]));
  return costDays(now, days).map((day) => ({ day, costUsd: byDay.get(day) ?? 0 }));
}

/** Every tenant's spend on `now`'s UTC day so far (tenants that spent nothing left out), for /metrics. */
export async function readCostToday(db: Db, now: Date): Promise<{ tenant: string; costUsd: number }[]> {
  const { from, until } = dayRange(now, 1);
  return db
    .selectFrom("tasks")
    .select(["tenant", sql<number>`sum(cost_usd)::float8`.as("costUsd")])
    .where("finishedAt", ">=", from)
    .where("finishedAt", "<", until)
    .where("costUsd", ">", 0)
    .groupBy("tenant")
    .execute();
}
