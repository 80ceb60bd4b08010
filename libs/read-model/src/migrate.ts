import type { Names } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import { type RawBuilder, sql } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import * as tasks001 from "./migrations/2026-11-22-001-tasks.ts";
import * as quarantine002 from "./migrations/2026-11-26-002-quarantine.ts";
import * as stats003 from "./migrations/2026-11-26-003-stats.ts";
import * as priorityWaiting004 from "./migrations/2026-11-26-004-priority-waiting.ts";
import * as messagesApi005 from "./migrations/2026-11-26-005-messages-api.ts";
import * as costToday006 from "./migrations/2026-11-26-006-cost-today.ts";
import * as historyRetention007 from "./migrations/2026-11-26-007-history-retention.ts";
import * as fanIn008 from "./migrations/2026-11-26-008-fan-in.ts";
import * as webhookDeliveries009 from "./migrations/2026-11-26-009-webhook-deliveries.ts";
import * as schedules010 from "./migrations/2026-11-26-010-schedules.ts";
import type { Db } from "./schema.ts";

/**
 * Frozen migrations, in order; a new one is a new file added here, never an edit of an old one. Their names are
 * recorded in every deployed schema's kysely_migration table: never rename one.
 */
const MIGRATIONS: Record<string, Migration> = {
  "2026-11-22-001-tasks": tasks001,
  "2026-11-26-002-quarantine": quarantine002,
  "2026-11-26-003-stats": stats003,
  "2026-11-26-004-priority-waiting": priorityWaiting004,
  "2026-11-26-005-messages-api": messagesApi005,
  "2026-11-26-006-cost-today": costToday006,
  "2026-11-26-007-history-retention": historyRetention007,
  "2026-11-26-008-fan-in": fanIn008,
  "2026-11-26-009-webhook-deliveries": webhookDeliveries009,
  "2026-11-26-010-schedules": schedules010,
};

/**
 * Kysely's migrator lists the tables of *every* schema before it starts (to find its own), so another
 * deployment or test dropping its schema at that moment fails the listing with 3F000. That says nothing about
 * this schema: list again.
 */
const MAX_TRIES = 5;
function isOtherSchemaGone(err: unknown, schema: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === "3F000" && typeof e.message === "string" && !e.message.includes(`"${schema}"`);
}

/** Postgres' "relation does not exist": a schema nothing has migrated yet. */
const UNDEFINED_TABLE = "42P01";

/**
 * Brings the deployment's schema up to date. Every service that uses the read model calls it at start, so
 * whichever starts first creates the tables. It runs under an advisory lock per schema, taken before anything
 * else: two `create schema if not exists` at once can fail with 23505, and the loser would otherwise find
 * tables half made. A schema that already has every migration this code knows is left alone — one a newer
 * version has migrated further included.
 */
export async function migrate(db: Db, names: Names, log: Logger): Promise<void> {
  const lock = sql<number>`hashtext(${`taskjet-migrate:${names.schema}`})`;
  await db.connection().execute(async (conn) => {
    await takeLock(conn, lock, log);
    try {
      if ((await pendingMigrations(conn, names)).length === 0) return;
      await sql`create schema if not exists ${sql.id(names.schema)}`.execute(conn);
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: async () => MIGRATIONS },
        migrationTableSchema: names.schema,
        // Features built side by side took their numbers up front (009 webhooks, 010 schedules, 011 batches) and
        // land in whatever order they are done: a schema already at 010 still takes 009. They touch different
        // tables and columns, so their order does not matter; columns may therefore sit in a different order in
        // two schemas (rebuild-swap.ts names them).
        allowUnorderedMigrations: true,
      });
      for (let tries = 1; ; tries++) {
        const { error, results } = await migrator.migrateToLatest();
        for (const r of results ?? []) {
          if (r.status === "Success") log.info({ migration: r.migrationName }, "migrated");
          if (r.status === "Error") log.error({ migration: r.migrationName }, "migration failed");
        }
        if (!error) return;
        if (tries >= MAX_TRIES || !isOtherSchemaGone(error, names.schema)) throw error;
        log.warn({ err: error }, "another schema went away while the migrator listed tables; migrating again");
      }
    } finally {
      await sql`select pg_advisory_unlock(${lock})`.execute(conn);
    }
  });
}

const LOCK_POLL_MS = 250;
const SAY_EVERY = 20;

/**
 * Takes the schema's migration lock, polling rather than blocking so that a start held up behind another one
 * says so every 5 s, naming who holds it: a service that is not ready says why instead of waiting in silence.
 */
async function takeLock(conn: Db, lock: RawBuilder<number>, log: Logger) {
  for (let polls = 0; ; polls++) {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lock}) as ok`.execute(conn);
    if (rows[0]?.ok) return;
    if (polls > 0 && polls % SAY_EVERY === 0) {
      const holders = await sql<{ pid: number; app: string; state: string }>`
        select a.pid, a.application_name as app, a.state from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objid::text::bigint = (${lock}::bigint & 4294967295)`
        .execute(conn)
        .then((r) => r.rows);
      log.warn({ waitedMs: polls * LOCK_POLL_MS, holders }, "waiting for the migration lock");
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

/** The migrations this code knows that the schema lacks (all of them before the first run). */
export async function pendingMigrations(db: Db, names: Names): Promise<string[]> {
  const done = await sql<{ name: string }>`select name from ${sql.id(names.schema, "kysely_migration")}`
    .execute(db)
    .then(
      (r) => new Set(r.rows.map((row) => row.name)),
      (err: { code?: string }) => {
        if (err.code === UNDEFINED_TABLE) return new Set<string>();
        throw err;
      },
    );
  return Object.keys(MIGRATIONS).filter((name) => !done.has(name));
}
