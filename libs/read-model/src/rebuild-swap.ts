import { sql } from "kysely";
import { readCheckpoint } from "./checkpoint.ts";
import { projectorLockKey } from "./projection-write.ts";
import type { Db } from "./schema.ts";

/**
 * Swaps a rebuilt schema in for the live one — in one transaction, while holding the lock every projector batch
 * takes, and only once the rebuilt schema has every event the live one has (`rebuiltTo` is at or past the live
 * checkpoint); else returns false and the rebuild replays some more. The live schema is kept, renamed.
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
        await sql`alter schema ${sql.id(schemas.live)} rename to ${sql.id(schemas.retired)}`.execute(trx);
        await sql`alter schema ${sql.id(schemas.rebuilt)} rename to ${sql.id(schemas.live)}`.execute(trx);
      });
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${projectorLockKey(schemas.live)})`.execute(conn);
    }
  });
}
