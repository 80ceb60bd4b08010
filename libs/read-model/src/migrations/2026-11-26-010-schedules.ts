import { type Kysely, sql } from "kysely";

/**
 * Schedules: the schedule a task was fired by and the tick it was fired for (null for every other task, and for
 * every task made before). The schedule's own state lives in NATS KV, not here. A schedule's tasks are listed
 * newest first (`GET /tasks?scheduleId=`) through a partial index over the tasks that have one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("schedule_id", "uuid")
    .addColumn("scheduled_for", "timestamptz")
    .execute();
  await sql`create index tasks_schedule on tasks (tenant, schedule_id, created_at desc, id desc) where schedule_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tasks_schedule").execute();
  await db.schema.alterTable("tasks").dropColumn("scheduled_for").dropColumn("schedule_id").execute();
}
