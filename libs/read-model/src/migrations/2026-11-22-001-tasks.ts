import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("tasks")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("tenant", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text")
    .addColumn("parent_id", "uuid")
    .addColumn("prompt", "text", (c) => c.notNull())
    .addColumn("system", "text")
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("max_tokens", "integer", (c) => c.notNull())
    .addColumn("temperature", "double precision")
    .addColumn("run_at", "timestamptz")
    .addColumn("metadata", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("timeout_ms", "integer", (c) => c.notNull())
    .addColumn("gen", "integer", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("output", "text")
    .addColumn("error", "jsonb")
    .addColumn("usage", "jsonb")
    .addColumn("stop_reason", "text")
    .addColumn("cancel_reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  // The list endpoint pages newest first per tenant; the others serve its filters.
  await db.schema
    .createIndex("tasks_tenant_created")
    .on("tasks")
    .columns(["tenant", "created_at desc", "id desc"])
    .execute();
  await db.schema.createIndex("tasks_status").on("tasks").columns(["status", "created_at desc"]).execute();
  await db.schema
    .createIndex("tasks_parent")
    .on("tasks")
    .column("parent_id")
    .where("parent_id", "is not", null)
    .execute();

  await db.schema
    .createTable("checkpoints")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("checkpoints").execute();
  await db.schema.dropTable("tasks").execute();
}
