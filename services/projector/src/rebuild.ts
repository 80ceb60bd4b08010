import type { JetStreamClient } from "@nats-io/jetstream";
import { type Names, subjectsFor } from "@taskjet/events";
import { CHECKPOINT_NAME, type Config, createDb, type Db, type Logger } from "@taskjet/runtime";
import { sql } from "kysely";
import { migrate } from "./migrate.ts";
import { projectIsolating, projectorLockKey, type StreamEntry } from "./project-batch.ts";
import { entryOf } from "./projector.ts";

export type RebuildResult = { events: number; seconds: number; retiredSchema: string };

/**
 * Replays the whole stream into a fresh schema, then swaps it in for the live one — in one transaction, while
 * holding the lock every projector batch takes, and only once the new schema has every event the live one has.
 * Gateways resolve table names per statement, so they read the rebuilt rows from the next query on: no
 * downtime, no configuration change. The old schema is kept, renamed, for comparison.
 */
export async function rebuildReadModel(opts: {
  js: JetStreamClient;
  live: Db;
  names: Names;
  config: Pick<Config, "DATABASE_URL">;
  log: Logger;
  maxBatch: number;
}): Promise<RebuildResult> {
  const { js, live, names, log } = opts;
  const started = Date.now();
  // Short enough for Postgres' 63-character names with the longest namespace.
  const stamp = Date.now().toString(36);
  const fresh = { ...names, schema: `${names.schema}_new_${stamp}` };
  const retired = `${names.schema}_old_${stamp}`;
  const db = createDb(opts.config, fresh, { name: "taskjet-rebuild", log, max: 2 });
  try {
    await migrate(db, fresh, log);
    const consumer = await js.consumers.get(names.stream, { filter_subjects: subjectsFor(names).all });
    // An empty stream sends nothing to wait for: the empty schema is the whole rebuild.
    if (
      (await consumer.info()).num_pending === 0 &&
      (await swapIfCaughtUp(live, names.schema, fresh.schema, retired, 0))
    ) {
      await consumer.delete().catch(() => undefined);
      return { events: 0, seconds: (Date.now() - started) / 1000, retiredSchema: retired };
    }
    const messages = await consumer.consume({ max_messages: opts.maxBatch * 2 });
    let batch: StreamEntry[] = [];
    let lastSeq = 0;
    let events = 0;
    let switched = false;
    try {
      for await (const m of messages) {
        batch.push(entryOf(m));
        lastSeq = m.seq;
        events++;
        const caughtUp = m.info.pending === 0;
        if (batch.length >= opts.maxBatch || caughtUp) {
          await projectIsolating(db, batch, log);
          batch = [];
          if (events % 50_000 < opts.maxBatch) log.info({ events, lastSeq }, "rebuilding");
        }
        switched = caughtUp && (await swapIfCaughtUp(live, names.schema, fresh.schema, retired, lastSeq));
        if (switched) break;
      }
    } finally {
      await messages.close();
    }
    if (switched) {
      const seconds = (Date.now() - started) / 1000;
      log.info({ events, seconds, retired }, "read model rebuilt and switched over");
      return { events, seconds, retiredSchema: retired };
    }
    throw new Error("the stream ended before the rebuild caught up");
  } finally {
    await db.destroy();
  }
}

async function swapIfCaughtUp(live: Db, schema: string, fresh: string, retired: string, rebuiltTo: number) {
  return live.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${projectorLockKey(schema)})`.execute(conn);
    try {
      const cp = await conn
        .selectFrom("checkpoints")
        .select("seq")
        .where("name", "=", CHECKPOINT_NAME)
        .executeTakeFirst();
      if (Number(cp?.seq ?? 0) > rebuiltTo) return false; // the live projector is ahead: replay some more
      await conn.transaction().execute(async (trx) => {
        await sql`alter schema ${sql.id(schema)} rename to ${sql.id(retired)}`.execute(trx);
        await sql`alter schema ${sql.id(fresh)} rename to ${sql.id(schema)}`.execute(trx);
      });
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${projectorLockKey(schema)})`.execute(conn);
    }
  });
}
