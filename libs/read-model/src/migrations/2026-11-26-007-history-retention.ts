import { type Kysely, sql } from "kysely";

/**
 * Retention of finished tasks' history (FINISHED_HISTORY_SECONDS): when a task's events are due to leave the
 * stream, and when they did. The partial index serves the projector's sweep for tasks finished long enough ago.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("history_purge_at", "timestamptz")
    .addColumn("history_purged_at", "timestamptz")
    .execute();
  await db.schema
    .createIndex("tasks_history_purge_due")
    .on("tasks")
    .column("history_purge_at")
    .where("history_purge_at", "is not", null)
    .where(sql.ref("history_purged_at"), "is", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tasks_history_purge_due").execute();
  await db.schema.alterTable("tasks").dropColumn("history_purged_at").dropColumn("history_purge_at").execute();
}
