import { type Kysely, sql } from "kysely";

/**
 * The whole Messages API: `system` may be blocks (so jsonb), the request's other options in one jsonb object,
 * and of the reply every block, its claim-check reference, what the task cost and whether it came from the cache.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks alter column system type jsonb using to_jsonb(system)`.execute(db);
  await db.schema
    .alterTable("tasks")
    .addColumn("options", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("content", "jsonb", (c) => c.defaultTo(sql`'null'::jsonb`))
    .addColumn("output_ref", "jsonb", (c) => c.defaultTo(sql`'null'::jsonb`))
    .addColumn("cost_usd", "double precision", (c) => c.notNull().defaultTo(0))
    .addColumn("cached", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .dropColumn("cached")
    .dropColumn("cost_usd")
    .dropColumn("output_ref")
    .dropColumn("content")
    .dropColumn("options")
    .execute();
  await sql`alter table tasks alter column system type text using system #>> '{}'`.execute(db);
}
