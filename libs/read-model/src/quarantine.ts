import type { Logger, StoredEntry } from "@taskjet/runtime";
import { type Selectable, sql, type Transaction } from "kysely";
import type { Database, Db, QuarantineReason, QuarantineTable } from "./schema.ts";

export type Quarantined = {
  seq: number;
  subject: string;
  taskId: string | null;
  type: string | null;
  reason: QuarantineReason;
  error: string;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function quarantineOf(entry: StoredEntry, reason: QuarantineReason, error: string): Quarantined {
  const event = "event" in entry ? entry.event : null;
  return {
    seq: entry.seq,
    subject: entry.subject,
    taskId: event?.taskId ?? taskIdOfSubject(entry.subject),
    type: event?.type ?? null,
    reason,
    error: error.replaceAll("\u0000", "\\u0000"),
  };
}

/** `<root>.<id>.<kind>`: the id is the token before the kind, whatever the namespace prefix. */
function taskIdOfSubject(subject: string): string | null {
  return subject.split(".").at(-2) ?? null;
}

/** Records entries set aside, in the batch's transaction, and marks the task rows they belong to. */
export async function recordQuarantine(trx: Transaction<Database>, entries: readonly Quarantined[], log: Logger) {
  if (entries.length === 0) return;
  for (const q of entries) log.warn(q, "event quarantined: it could not be applied to the read model");
  const quarantinedAt = sql<Date>`now()`;
  await trx
    .insertInto("quarantine")
    .values(entries.map((q) => ({ ...q, subject: q.subject.replaceAll("\u0000", ""), quarantinedAt })))
    .onConflict((oc) => oc.column("seq").doNothing())
    .execute();
  const marked = entries.filter((q) => q.taskId !== null && UUID.test(q.taskId));
  for (const q of marked) {
    await trx
      .updateTable("tasks")
      .set({ quarantinedSeq: q.seq })
      .where("id", "=", q.taskId as string)
      .execute();
  }
}

/** A page of quarantined events, oldest first, after the sequence `afterSeq`. */
export function listQuarantine(db: Db, afterSeq: number, limit: number): Promise<Selectable<QuarantineTable>[]> {
  return db
    .selectFrom("quarantine")
    .selectAll()
    .where("seq", ">", String(afterSeq))
    .orderBy("seq")
    .limit(limit)
    .execute();
}

export async function countQuarantined(db: Db): Promise<number> {
  const row = await db
    .selectFrom("quarantine")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
