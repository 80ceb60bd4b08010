import type { Names } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import { sql } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import * as tasks001 from "./migrations/2026-11-22-001-tasks.ts";
import * as quarantine002 from "./migrations/2026-11-26-002-quarantine.ts";
import type { Db } from "./schema.ts";

/**
 * Frozen migrations, in order; a new one is a new file added here, never an edit of an old one. Their names are
 * recorded in every deployed schema's kysely_migration table: never rename one.
 */
const MIGRATIONS: Record<string, Migration> = {
  "2026-11-22-001-tasks": tasks001,
  "2026-11-26-002-quarantine": quarantine002,
};

export async function migrate(db: Db, names: Names, log: Logger): Promise<void> {
  await sql`create schema if not exists ${sql.id(names.schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: names.schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const r of results ?? []) {
    if (r.status === "Success") log.info({ migration: r.migrationName }, "migrated");
    if (r.status === "Error") log.error({ migration: r.migrationName }, "migration failed");
  }
  if (error) throw error;
}
