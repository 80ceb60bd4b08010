import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { type Names, subjectsFor } from "@taskjet/events";
import { createDb, type Db, migrate, projectIsolating, swapIfCaughtUp } from "@taskjet/read-model";
import { type Config, decodeStored, type Logger, type StoredEntry } from "@taskjet/runtime";

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
  now: () => Date;
}): Promise<RebuildResult> {
  const { js, live, names, log } = opts;
  const started = opts.now().getTime();
  const elapsedSeconds = () => (opts.now().getTime() - started) / 1000;
  // Short enough for Postgres' 63-character names with the longest namespace.
  const stamp = started.toString(36);
  const fresh = { ...names, schema: `${names.schema}_new_${stamp}` };
  const retired = `${names.schema}_old_${stamp}`;
  const schemas = { live: names.schema, rebuilt: fresh.schema, retired };
  const db = createDb(opts.config, fresh, { name: "taskjet-rebuild", log, max: 2 });
  try {
    await migrate(db, fresh, log);
    const jsm = await js.jetstreamManager();
    const consumer = await js.consumers.get(names.stream, { filter_subjects: subjectsFor(names).all });
    // An empty stream sends nothing to wait for: the empty schema is the whole rebuild.
    if (
      (await consumer.info()).num_pending === 0 &&
      (await swapIfCaughtUp(live, schemas, await coveredTo(jsm, names, 0)))
    ) {
      await consumer.delete().catch(() => undefined);
      return { events: 0, seconds: elapsedSeconds(), retiredSchema: retired };
    }
    const messages = await consumer.consume({ max_messages: opts.maxBatch * 2 });
    let batch: StoredEntry[] = [];
    let lastSeq = 0;
    let events = 0;
    let switched = false;
    try {
      for await (const m of messages) {
        batch.push(decodeStored(m));
        lastSeq = m.seq;
        events++;
        const caughtUp = m.info.pending === 0;
        if (batch.length >= opts.maxBatch || caughtUp) {
          await projectIsolating(db, batch, log);
          batch = [];
          if (events % 50_000 < opts.maxBatch) log.info({ events, lastSeq }, "rebuilding");
        }
        switched = caughtUp && (await swapIfCaughtUp(live, schemas, await coveredTo(jsm, names, lastSeq)));
        if (switched) break;
      }
    } finally {
      await messages.close();
    }
    if (switched) {
      const seconds = elapsedSeconds();
      log.info({ events, seconds, retired }, "read model rebuilt and switched over");
      return { events, seconds, retiredSchema: retired };
    }
    throw new Error("the stream ended before the rebuild caught up");
  } finally {
    await db.destroy();
  }
}

/**
 * How far a rebuild that replayed every message up to `lastSeq` has the stream: past it, when nothing follows
 * it now — the sequences between it and the stream's last were purged (FINISHED_HISTORY_SECONDS), and the
 * live projector's checkpoint may stand on one of them.
 */
async function coveredTo(jsm: JetStreamManager, names: Names, lastSeq: number): Promise<number> {
  const { state } = await jsm.streams.info(names.stream);
  const next = await jsm.direct.getMessage(names.stream, { seq: lastSeq + 1, next_by_subj: subjectsFor(names).all });
  return next === null ? Math.max(lastSeq, state.last_seq) : lastSeq;
}
