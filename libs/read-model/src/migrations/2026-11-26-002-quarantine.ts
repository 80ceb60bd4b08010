import type { Kysely } from "kysely";

/**
 * Events the projector could not apply (undecodable, for an unknown task, or refused by Postgres) are kept
 * here with their sequence and error instead of stalling the stream; a task row they touched says so.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("quarantine")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("task_id", "text")
    .addColumn("type", "text")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("error", "text", (c) => c.notNull())
    .addColumn("quarantined_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("quarantine_task").on("quarantine").column("task_id").execute();
  await db.schema.alterTable("tasks").addColumn("quarantined_seq", "bigint").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tasks").dropColumn("quarantined_seq").execute();
  await db.schema.dropTable("quarantine").execute();
}
