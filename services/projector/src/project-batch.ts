import { evolve, type TaskState } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import { CHECKPOINT_NAME, type Db, rowToState, type StoredEvent, stateToRow } from "@taskjet/runtime";

export type Projected = { taskId: string; status: TaskState["status"]; seq: number };

/**
 * Folds a batch of events (stream order) into the read model in one transaction. Each row keeps the
 * sequence it has folded up to, so a redelivered or replayed event changes nothing. Returns the tasks whose
 * rows changed, for the gateways to be told once the transaction has committed.
 */
export async function projectBatch(db: Db, batch: readonly StoredEvent[], log: Logger): Promise<Projected[]> {
  if (batch.length === 0) return [];
  const ids = [...new Set(batch.map((b) => b.event.taskId))];
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("tasks").selectAll().where("id", "in", ids).execute();
    const current = new Map<string, { state: TaskState; seq: number }>(
      rows.map((r) => [r.id, { state: rowToState(r), seq: Number(r.seq) }]),
    );
    const changed = new Map<string, { state: TaskState; seq: number }>();
    for (const { seq, event } of batch) {
      const before = changed.get(event.taskId) ?? current.get(event.taskId);
      if (before && seq <= before.seq) continue; // already folded: a redelivery or a replay
      const after = evolve(before?.state ?? null, event);
      if (after === null) {
        log.warn({ seq, taskId: event.taskId, type: event.type }, "event for an unknown task skipped");
        continue;
      }
      if (after !== before?.state) changed.set(event.taskId, { state: after, seq });
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
    return [...changed].map(([taskId, { state, seq }]) => ({ taskId, status: state.status, seq }));
  });
}
