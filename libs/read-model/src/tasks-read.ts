import type { TaskState } from "@taskjet/events";
import type { Db } from "./schema.ts";
import { rowToState } from "./task-row.ts";

/** A task as the read model has it and the stream sequence of the last event its row reflects. */
export type ProjectedTask = { state: TaskState; seq: number };

/** One task, with the sequence of an event of it the projector quarantined (null when none). */
export async function readProjectedTask(
  db: Db,
  id: string,
): Promise<(ProjectedTask & { quarantinedSeq: number | null }) | null> {
  const row = await db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const quarantinedSeq = row.quarantinedSeq === null ? null : Number(row.quarantinedSeq);
  return { state: rowToState(row), seq: Number(row.seq), quarantinedSeq };
}

/** Many tasks, by id, in one query (ids it lacks are absent from the map). */
export async function readProjectedTasks(db: Db, ids: readonly string[]): Promise<Map<string, ProjectedTask>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("tasks").selectAll().where("id", "in", ids).execute();
  return new Map(rows.map((row) => [row.id, { state: rowToState(row), seq: Number(row.seq) }]));
}
