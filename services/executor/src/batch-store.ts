import type { KV, KvEntry } from "@nats-io/kv";
import { BatchLease, BatchRecord, batchKeys } from "@taskjet/events";
import { followKeys, isCasConflict, type Logger } from "@taskjet/runtime";

function decode<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  e: KvEntry | null,
) {
  if (e === null || e.operation !== "PUT") return null;
  const parsed = schema.safeParse(e.json());
  return parsed.success ? parsed.data : null;
}

/**
 * The batches in flight, in KV (`libs/events/src/batches.ts`): the record of each (written once, at submission)
 * and its lease. Whoever holds an unexpired lease polls the batch; an expired one (its executor died or stopped)
 * is taken over by compare-and-set, so two executors never settle one batch at once. The leases are followed
 * with a watch (`followKeys`), so a poll lists the batches from memory rather than scanning the bucket.
 */
export async function openBatchStore(kv: KV, log: Pick<Logger, "error">) {
  const leases = await followKeys(kv, batchKeys.leases, log);
  /** Changes a batch's lease by compare-and-set; null when it is gone or someone else changed it first. */
  async function changeLease(id: string, edit: (l: BatchLease) => BatchLease | null): Promise<BatchLease | null> {
    const entry = await kv.get(batchKeys.lease(id));
    const current = decode(BatchLease, entry);
    if (current === null || entry === null) return null;
    const next = edit(current);
    if (next === null) return null;
    try {
      await kv.update(batchKeys.lease(id), JSON.stringify(BatchLease.parse(next)), entry.revision);
      return next;
    } catch (err) {
      if (isCasConflict(err)) return null;
      throw err;
    }
  }
  return {
    /** A batch just sent: its record, then its lease (held by the submitter). */
    async save(record: BatchRecord, lease: BatchLease): Promise<void> {
      await kv.put(batchKeys.batch(record.id), JSON.stringify(BatchRecord.parse(record)));
      await kv.put(batchKeys.lease(record.id), JSON.stringify(BatchLease.parse(lease)));
    },
    async record(id: string): Promise<BatchRecord | null> {
      return decode(BatchRecord, await kv.get(batchKeys.batch(id)));
    },
    /** The id of every batch in flight, as the watch has told. */
    ids(): string[] {
      const ids: string[] = [];
      for (const [key, k] of leases.known) {
        const lease = BatchLease.safeParse(k.value);
        if (lease.success) ids.push(lease.data.id);
        else if (k.value === null) leases.known.delete(key); // a settled batch: forgotten, not kept for ever
      }
      return ids;
    },
    close: () => leases.close(),
    /** The lease for `owner` until `until`, when it is free, expired or already its own; else null. */
    take(id: string, owner: string, now: number, until: number): Promise<BatchLease | null> {
      return changeLease(id, (l) => (l.owner !== owner && l.until > now ? null : { ...l, owner, until }));
    },
    /** Marks progress on a lease `owner` holds; null when it no longer does. */
    mark(id: string, owner: string, changes: Partial<Pick<BatchLease, "announced" | "cancelRequested" | "until">>) {
      return changeLease(id, (l) => (l.owner === owner ? { ...l, ...changes } : null));
    },
    /** A settled batch leaves: its record first, then its lease (a lease without a record is removed on sight). */
    async remove(id: string): Promise<void> {
      await kv.delete(batchKeys.batch(id));
      await kv.delete(batchKeys.lease(id));
    },
  };
}
export type BatchStore = Awaited<ReturnType<typeof openBatchStore>>;
