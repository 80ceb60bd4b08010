import type { JetStreamClient } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import { type Names, SCHEDULES_BUCKET, ScheduleRecord } from "@taskjet/events";
import { bucketKeys, type Config, isCasConflict, openBucket } from "@taskjet/runtime";

function decode(e: KvEntry | null): ScheduleRecord | null {
  if (e === null || e.operation !== "PUT") return null;
  const parsed = ScheduleRecord.safeParse(e.json());
  return parsed.success ? parsed.data : null;
}

/**
 * Schedules in the KV bucket `<kvPrefix>_schedules`, one entry per schedule id, shared with every scheduler
 * instance (they follow it with a watch and record their firings in it). Every change here is a
 * compare-and-set on the revision it was read at, read again on a conflict: a PATCH never undoes a firing
 * recorded in between, nor a firing a PATCH. Another tenant's schedule reads as none.
 */
export function scheduleStore(kv: KV, keys: () => Promise<string[]>) {
  async function read(id: string, tenant: string) {
    const entry = await kv.get(id);
    const record = decode(entry);
    return record === null || entry === null || record.tenant !== tenant ? null : { record, revision: entry.revision };
  }
  return {
    /** Stores a new schedule; when one is there under its id already (a replayed create), that one. */
    async create(record: ScheduleRecord): Promise<{ record: ScheduleRecord; created: boolean }> {
      try {
        await kv.create(record.id, JSON.stringify(ScheduleRecord.parse(record)));
        return { record, created: true };
      } catch (err) {
        const existing = isCasConflict(err) ? await read(record.id, record.tenant) : null;
        if (existing === null) throw err;
        return { record: existing.record, created: false };
      }
    },
    async get(id: string, tenant: string): Promise<ScheduleRecord | null> {
      return (await read(id, tenant))?.record ?? null;
    },
    /** As `get`, but tells a schedule that was deleted (the bucket keeps its delete marker) from none. */
    async find(id: string, tenant: string): Promise<ScheduleRecord | "deleted" | null> {
      const entry = await kv.get(id);
      if (entry !== null && entry.operation !== "PUT") return "deleted";
      const record = decode(entry);
      return record?.tenant === tenant ? record : null;
    },
    /** The tenant's schedules, oldest first. */
    async list(tenant: string): Promise<ScheduleRecord[]> {
      const ids = await keys();
      const records = await Promise.all(ids.map(async (id) => decode(await kv.get(id))));
      return records
        .filter((r): r is ScheduleRecord => r !== null && r.tenant === tenant)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    /** Applies `edit` with compare-and-set; null when there is no such schedule of the tenant's. */
    async change(
      id: string,
      tenant: string,
      edit: (s: ScheduleRecord) => ScheduleRecord,
    ): Promise<ScheduleRecord | null> {
      for (;;) {
        const current = await read(id, tenant);
        if (current === null) return null;
        const next = ScheduleRecord.parse(edit(current.record));
        try {
          await kv.update(id, JSON.stringify(next), current.revision);
          return next;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },
    /** Deletes the schedule (its fired tasks stay); false when there is no such schedule of the tenant's. */
    async remove(id: string, tenant: string): Promise<boolean> {
      for (;;) {
        const current = await read(id, tenant);
        if (current === null) return false;
        try {
          await kv.delete(id, { previousSeq: current.revision });
          return true;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },
  };
}
export type ScheduleStore = ReturnType<typeof scheduleStore>;

export async function openScheduleStore(
  js: JetStreamClient,
  names: Names,
  config: Pick<Config, "STREAM_REPLICAS">,
): Promise<ScheduleStore> {
  const kv = await openBucket(js, names, SCHEDULES_BUCKET, config);
  // Not kv.keys(): its consumer chases a key written every second (a firing schedule) and may never end.
  return scheduleStore(kv, () => bucketKeys(js, `${names.kvPrefix}_${SCHEDULES_BUCKET}`));
}
