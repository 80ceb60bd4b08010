import { type Kysely, sql } from "kysely";

/** Flow control: a task's priority, and why a queued task is waiting for its lane (null when it is not). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("priority", "text", (c) => c.notNull().defaultTo("normal"))
    .addColumn("waiting", "jsonb", (c) => c.defaultTo(sql`'null'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tasks").dropColumn("waiting").dropColumn("priority").execute();
}
