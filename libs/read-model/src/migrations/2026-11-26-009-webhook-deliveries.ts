import { type Kysely, sql } from "kysely";

/**
 * Outbound webhooks: every try at a delivery (one row each: what the receiver answered, or why it could not be
 * reached), listed per subscription or per task, newest first; and the task's own `webhook` on its row. The
 * delivery log is not folded from events, so a rebuild carries it over (rebuild-swap.ts). Ids are UUIDs, not a
 * sequence, so rows copied between schemas never collide with new ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("webhook", "jsonb", (c) => c.notNull().defaultTo(sql`'null'::jsonb`))
    .execute();
  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("tenant", "text", (c) => c.notNull())
    .addColumn("target", "text", (c) => c.notNull())
    .addColumn("webhook_id", "text", (c) => c.notNull())
    .addColumn("task_id", "uuid", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("error", "text")
    .addColumn("latency_ms", "integer")
    .addColumn("response_excerpt", "text")
    .addColumn("attempted_at", "timestamptz", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_target")
    .on("webhook_deliveries")
    .columns(["tenant", "target", "attempted_at desc", "id desc"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_task")
    .on("webhook_deliveries")
    .columns(["task_id", "attempted_at desc", "id desc"])
    .execute();
  await db.schema.createIndex("webhook_deliveries_webhook_id").on("webhook_deliveries").column("webhook_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.alterTable("tasks").dropColumn("webhook").execute();
}
