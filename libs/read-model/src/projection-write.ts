import type { ProjectedNotice } from "@taskjet/events";
import { evolve, type TaskState } from "@taskjet/events";
import type { Logger, StoredEntry } from "@taskjet/runtime";
import { sql, type Transaction } from "kysely";
import { advanceCheckpoint } from "./checkpoint.ts";
import { isTransientDbError } from "./db-errors.ts";
import { type Quarantined, quarantineOf, recordQuarantine } from "./quarantine.ts";
import type { Database, Db } from "./schema.ts";
import { rowToState, stateToRow } from "./task-row.ts";

const LOCK_PREFIX = "taskjet-projector:";

/** The advisory lock key a projector batch in `schema` holds (Postgres' hashtext of the same text). */
export function projectorLockKey(schema: string) {
  return sql<number>`hashtext(${LOCK_PREFIX + schema})`;
}

type Trx = Transaction<Database>;

/**
 * Folds a batch of entries (stream order, contiguous from the checkpoint) into the read model in one
 * transaction, and moves the checkpoint to its last sequence in the same transaction: the read model and the
 * point it has read to never disagree. Each row also keeps the sequence it has folded up to, so a replayed
 * event changes nothing. An entry that cannot be an event of a known task (undecodable, or for a task whose
 * creation never applied) is quarantined, not skipped in silence. Returns every version written, for the
 * gateways to be told once the transaction has committed. Throws what Postgres throws.
 */
export async function projectBatch(db: Db, batch: readonly StoredEntry[], log: Logger): Promise<ProjectedNotice[]> {
  if (batch.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    await lockProjection(trx);
    const ids = [...new Set(batch.flatMap((b) => ("event" in b ? [b.event.taskId] : [])))];
    const rows = ids.length > 0 ? await trx.selectFrom("tasks").selectAll().where("id", "in", ids).execute() : [];
    const current = new Map<string, { state: TaskState; seq: number }>(
      rows.map((r) => [r.id, { state: rowToState(r), seq: Number(r.seq) }]),
    );
    const changed = new Map<string, { state: TaskState; seq: number }>();
    const versions: ProjectedNotice[] = [];
    const quarantined: Quarantined[] = [];
    for (const entry of batch) {
      if (!("event" in entry)) {
        quarantined.push(quarantineOf(entry, "undecodable", entry.undecodable));
        continue;
      }
      const { seq, event } = entry;
      const before = changed.get(event.taskId) ?? current.get(event.taskId);
      if (before && seq <= before.seq) continue; // already folded: a replay
      const after = evolve(before?.state ?? null, event);
      if (after === null) {
        quarantined.push(quarantineOf(entry, "unknown_task", `${event.type} for a task with no creating event`));
        continue;
      }
      if (after !== before?.state) {
        changed.set(event.taskId, { state: after, seq });
        versions.push({ taskId: event.taskId, seq, state: after });
      }
    }
    if (changed.size > 0) {
      const values = [...changed.values()].map(({ state, seq }) => stateToRow(state, seq));
      const columns = Object.keys(values[0] as object).filter((c) => c !== "id") as (keyof (typeof values)[0])[];
      await trx
        .insertInto("tasks")
        .values(values)
        .onConflict((oc) =>
          oc
            .column("id")
            .doUpdateSet((eb) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)])))
            .where("tasks.seq", "<", (eb) => eb.ref("excluded.seq")),
        )
        .execute();
    }
    await recordQuarantine(trx, quarantined, log);
    await advanceCheckpoint(trx, (batch[batch.length - 1] as StoredEntry).seq);
    return versions;
  });
}

/**
 * `projectBatch`, with poison isolated: when Postgres refuses the batch for its data (a value it cannot store),
 * the entries are applied one at a time and the one it refuses alone is quarantined, so one bad event costs
 * only itself. A transient error (connection, deadlock, cancel) is thrown for the caller to retry from the
 * checkpoint — it is never a reason to quarantine.
 */
export async function projectIsolating(db: Db, batch: readonly StoredEntry[], log: Logger): Promise<ProjectedNotice[]> {
  try {
    return await projectBatch(db, batch, log);
  } catch (err) {
    if (isTransientDbError(err)) throw err;
    if (batch.length > 1) {
      log.warn({ err, first: batch[0]?.seq, size: batch.length }, "batch refused; applying its events one by one");
      const versions: ProjectedNotice[] = [];
      for (const entry of batch) versions.push(...(await projectIsolating(db, [entry], log)));
      return versions;
    }
    const entry = batch[0] as StoredEntry;
    await db.transaction().execute(async (trx) => {
      await lockProjection(trx);
      await recordQuarantine(trx, [quarantineOf(entry, "refused", (err as Error).message)], log);
      await advanceCheckpoint(trx, entry.seq);
    });
    return [];
  }
}

// Held for the transaction: a rebuild takes the same lock to swap schemas between two batches.
async function lockProjection(trx: Trx) {
  await sql`select pg_advisory_xact_lock(hashtext(${LOCK_PREFIX} || current_schema()))`.execute(trx);
}
