import { sql, type Transaction } from "kysely";
import type { Database, Db } from "./schema.ts";

/** The checkpoint row the projector keeps: the last stream sequence it has written. */
const CHECKPOINT_NAME = "projector";

/** The last stream sequence the read model holds (0 before any), and when it moved there (null before any). */
export type Checkpoint = { seq: number; updatedAt: Date | null };

/** The checkpoint: projection resumes after it; how far it trails the stream is the projector's lag. */
export async function readCheckpoint(db: Db): Promise<Checkpoint> {
  const row = await db
    .selectFrom("checkpoints")
    .select(["seq", "updatedAt"])
    .where("name", "=", CHECKPOINT_NAME)
    .executeTakeFirst();
  return { seq: Number(row?.seq ?? 0), updatedAt: row?.updatedAt ?? null };
}

export async function advanceCheckpoint(trx: Transaction<Database>, seq: number) {
  // The database's clock: every projector (and the lag the gateway reports) reads the same one.
  const updatedAt = sql<Date>`now()`;
  await trx
    .insertInto("checkpoints")
    .values({ name: CHECKPOINT_NAME, seq, updatedAt })
    // Never backwards, even if a writer that lost its lease commits late.
    .onConflict((oc) => oc.column("name").doUpdateSet({ seq: sql`greatest(checkpoints.seq, ${seq})`, updatedAt }))
    .execute();
}
