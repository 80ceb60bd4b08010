import { randomUUID } from "node:crypto";
import { SCHEDULES_BUCKET, ScheduleRecord } from "@taskjet/events";
import { isCasConflict, openBucket } from "@taskjet/runtime";
import type { TestContext } from "./context.ts";

/** A schedule entry as the gateway writes it: every second unless told otherwise, created now, nothing fired. */
export function scheduleRecord(over: Partial<ScheduleRecord> = {}): ScheduleRecord {
  const at = new Date().toISOString();
  const tenant = over.tenant ?? "default";
  return ScheduleRecord.parse({
    id: randomUUID(),
    tenant,
    name: null,
    cron: "* * * * * *",
    timezone: "UTC",
    overlap: "allow",
    catchUp: "all",
    catchUpMax: 10,
    startAt: null,
    endAt: null,
    paused: false,
    task: { prompt: "scheduled" },
    spec: {
      prompt: "scheduled",
      system: null,
      model: "claude-sonnet-4-6",
      maxTokens: 64,
      temperature: null,
      maxAttempts: 3,
      timeoutMs: 60_000,
      tenant,
      metadata: {},
      priority: "normal",
    },
    issuedBy: null,
    createdAt: at,
    updatedAt: at,
    cursor: at,
    lastFiring: null,
    lastSkip: null,
    queued: null,
    unpublished: [],
    claimedAt: null,
    firings: 0,
    skips: 0,
    ...over,
  });
}

/** The test's schedules bucket: write an entry, read one, change one with compare-and-set (as the gateway does). */
export async function scheduleBucket(ctx: Pick<TestContext, "js" | "names" | "config">) {
  const kv = await openBucket(ctx.js, ctx.names, SCHEDULES_BUCKET, ctx.config);
  const get = async (id: string) => {
    const e = await kv.get(id);
    return e && e.operation === "PUT" ? { record: ScheduleRecord.parse(e.json()), revision: e.revision } : null;
  };
  return {
    kv,
    async put(record: ScheduleRecord) {
      await kv.create(record.id, JSON.stringify(record));
      return record;
    },
    async get(id: string) {
      return (await get(id))?.record ?? null;
    },
    async change(id: string, edit: (s: ScheduleRecord) => ScheduleRecord) {
      for (;;) {
        const current = await get(id);
        if (current === null) throw new Error(`no schedule ${id}`);
        try {
          await kv.update(id, JSON.stringify(edit(current.record)), current.revision);
          return;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },
  };
}
