import { type Kysely, sql } from "kysely";

/**
 * Fan-in: every parent of a task, what it does when one fails, and how deep it sits. A chain made before has
 * its one parent and depth 1, as a rebuild from its events (which carry neither) would fold it. Children are
 * listed by any of their parents, through a GIN index over the tasks that have some (`tasks_parent` served the
 * first parent alone).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("parent_ids", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("on_parent_failure", "text", (c) => c.notNull().defaultTo("cascade"))
    .addColumn("depth", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .updateTable("tasks")
    .set({ parent_ids: sql`jsonb_build_array(parent_id)`, depth: 1 })
    .where("parent_id", "is not", null)
    .execute();
  await sql`create index tasks_parent_ids on tasks using gin (parent_ids jsonb_path_ops) where parent_ids <> '[]'::jsonb`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tasks_parent_ids").execute();
  await db.schema
    .alterTable("tasks")
    .dropColumn("depth")
    .dropColumn("on_parent_failure")
    .dropColumn("parent_ids")
    .execute();
}
