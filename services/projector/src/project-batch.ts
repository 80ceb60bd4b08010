import { evolve, type TaskState } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import { CHECKPOINT_NAME, type Db, rowToState, type StoredEvent, stateToRow } from "@taskjet/runtime";
import { sql } from "kysely";

const LOCK_PREFIX = "taskjet-projector:";

/** The advisory lock key a projector batch in `schema` holds (Postgres' hashtext of the same text). */
export function projectorLockKey(schema: string) {
  return sql<number>`hashtext(${LOCK_PREFIX + schema})`;
}

/** One version of a task the batch wrote, in stream order: what the gateways push to WebSocket clients. */
export type Projected = { taskId: string; seq: number; state: TaskState };

/**
 * Folds a batch of events (stream order) into the read model in one transaction. Each row keeps the
 * sequence it has folded up to, so a redelivered or replayed event changes nothing. Returns the tasks whose
 * rows changed — every version, so a client sees each status even when one batch holds several — for the
 * gateways to be told once the transaction has committed.
 */
export async function projectBatch(db: Db, batch: readonly StoredEvent[], log: Logger): Promise<Projected[]> {
  if (batch.length === 0) return [];
  const ids = [...new Set(batch.map((b) => b.event.taskId))];
  return db.transaction().execute(async (trx) => {
    // Held for the transaction: a rebuild takes the same lock to swap schemas between two batches.
    await sql`select pg_advisory_xact_lock(hashtext(${LOCK_PREFIX} || current_schema()))`.execute(trx);
    const rows = await trx.selectFrom("tasks").selectAll().where("id", "in", ids).execute();
    const current = new Map<string, { state: TaskState; seq: number }>(
      rows.map((r) => [r.id, { state: rowToState(r), seq: Number(r.seq) }]),
    );
    const changed = new Map<string, { state: TaskState; seq: number }>();
    const versions: Projected[] = [];
    for (const { seq, event } of batch) {
      const before = changed.get(event.taskId) ?? current.get(event.taskId);
      if (before && seq <= before.seq) continue; // already folded: a redelivery or a replay
      const after = evolve(before?.state ?? null, event);
      if (after === null) {
        log.warn({ seq, taskId: event.taskId, type: event.type }, "event for an unknown task skipped");
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
    const last = batch[batch.length - 1] as StoredEvent;
    await trx
      .insertInto("checkpoints")
      .values({ name: CHECKPOINT_NAME, seq: last.seq, updatedAt: new Date() })
      .onConflict((oc) => oc.column("name").doUpdateSet({ seq: last.seq, updatedAt: new Date() }))
      .execute();
    return versions;
  });
}
