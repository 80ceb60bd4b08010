import type { Kysely } from "kysely";

/**
 * Message Batches: how a task is called (`now` streamed, `batch` through the provider's batch API) and the batch
 * its current attempt is in. Every task made before is `now`, in no batch, as a rebuild from its events would fold it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("tasks")
    .addColumn("mode", "text", (c) => c.notNull().defaultTo("now"))
    .addColumn("batch_id", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tasks").dropColumn("batch_id").dropColumn("mode").execute();
}
