import type { Kysely } from "kysely";

/**
 * For /metrics: every tenant's spend today, read at each scrape. The (tenant, finished_at) index serves one
 * tenant's days; across tenants Postgres scans every task (a million rows, 50 tenants, 10,000 finished today:
 * 159 ms; with this index 3 ms).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("tasks_finished")
    .on("tasks")
    .column("finished_at")
    .where("finished_at", "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tasks_finished").execute();
}
