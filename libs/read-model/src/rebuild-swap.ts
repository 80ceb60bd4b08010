import { type Kysely, sql } from "kysely";
import { readCheckpoint } from "./checkpoint.ts";
import { projectorLockKey } from "./projection-write.ts";
import type { Database, Db } from "./schema.ts";

/**
 * Swaps a rebuilt schema in for the live one — in one transaction, while holding the lock every projector batch
 * takes, and only once the rebuilt schema has every event the live one has (`rebuiltTo` is at or past the live
 * checkpoint); else returns false and the rebuild replays some more. The live schema is kept, renamed.
 * Tasks whose history is scheduled to leave the stream or has left it (FINISHED_HISTORY_SECONDS) are carried
 * over from the live rows as they are: the stream no longer has (all of) their events to replay.
 */
export async function swapIfCaughtUp(
  live: Db,
  schemas: { live: string; rebuilt: string; retired: string },
  rebuiltTo: number,
): Promise<boolean> {
  return live.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${projectorLockKey(schemas.live)})`.execute(conn);
    try {
      if ((await readCheckpoint(conn)).seq > rebuiltTo) return false;
      await conn.transaction().execute(async (trx) => {
        const [live, rebuilt] = [sql.id(schemas.live, "tasks"), sql.id(schemas.rebuilt, "tasks")];
        const kept = sql`select id from ${live} where history_purge_at is not null`;
        await sql`delete from ${rebuilt} where id in (${kept})`.execute(trx);
        // Both schemas ran the same migrations, though not always in the same order (features numbered up front
        // land when done): the same columns, named, not by position.
        const taskColumns = await columnsOf(trx, schemas.live, "tasks");
        await sql`insert into ${rebuilt} (${taskColumns}) select ${taskColumns} from ${live} where history_purge_at is not null`.execute(
          trx,
        );
        // The webhook delivery log is no fold of events: it moves over as it is.
        const deliveries = await columnsOf(trx, schemas.live, "webhook_deliveries");
        await sql`insert into ${sql.id(schemas.rebuilt, "webhook_deliveries")} (${deliveries}) select ${deliveries} from ${sql.id(schemas.live, "webhook_deliveries")}`.execute(
          trx,
        );
        await sql`alter schema ${sql.id(schemas.live)} rename to ${sql.id(schemas.retired)}`.execute(trx);
        await sql`alter schema ${sql.id(schemas.rebuilt)} rename to ${sql.id(schemas.live)}`.execute(trx);
      });
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${projectorLockKey(schemas.live)})`.execute(conn);
    }
  });
}

/** A table's columns, as a list of identifiers for `insert … (cols) select cols`. */
async function columnsOf(db: Kysely<Database>, schema: string, table: string) {
  const { rows } = await sql<{ name: string }>`
    select column_name as name from information_schema.columns
    where table_schema = ${schema} and table_name = ${table} order by ordinal_position`.execute(db);
  return sql.join(rows.map((r) => sql.id(r.name)));
}
