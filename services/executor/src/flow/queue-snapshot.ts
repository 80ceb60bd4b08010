import type { KV } from "@nats-io/kv";
import { ExecutorQueue, flowKeys, type Priority, type WaitReason } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import type { Admission } from "./admission.ts";

const EVERY_MS = 2000;
/** A change of demand is told this soon (gathering the changes of one burst into one write), not at the next tick. */
const SOON_MS = 50;

/** What one executor holds and runs, per lane, by priority, tenant and wait reason. */
export function queueOf(executorId: string, snapshot: ReturnType<Admission["snapshot"]>, at: number): ExecutorQueue {
  type Counts = {
    held: number;
    running: number;
    byPriority: Partial<Record<Priority, number>>;
    byTenant: Record<string, number>;
    byReason: Partial<Record<WaitReason, number>>;
    demand?: { rank: number; tenants: string[] };
  };
  const lanes: Record<string, Counts> = {};
  const laneOf = (lane: string) => {
    lanes[lane] ??= { held: 0, running: 0, byPriority: {}, byTenant: {}, byReason: {} };
    return lanes[lane];
  };
  for (const h of snapshot.held) {
    const l = laneOf(h.lane);
    l.held++;
    l.byPriority[h.priority] = (l.byPriority[h.priority] ?? 0) + 1;
    l.byTenant[h.tenant] = (l.byTenant[h.tenant] ?? 0) + 1;
    if (h.wait) {
      const reason: WaitReason = h.wait.reason;
      l.byReason[reason] = (l.byReason[reason] ?? 0) + 1;
    }
  }
  for (const [key, n] of snapshot.runningBy) laneOf(key.slice(0, key.lastIndexOf("|"))).running += n;
  for (const [lane, demand] of snapshot.demand) if (demand) laneOf(lane).demand = demand;
  // Parsed: fields this executor does not fill take their defaults.
  return ExecutorQueue.parse({ executorId, at, lanes });
}

/**
 * Every 2 s, writes what this executor holds to `queue.<executorId>` for /stats and the console (one KV put per
 * executor per 2 s, whatever the traffic); deleted when the executor stops.
 */
export function startQueueSnapshot(opts: {
  kv: KV;
  executorId: string;
  admission: Admission;
  now: () => Date;
  log: Logger;
}) {
  const key = flowKeys.queue(opts.executorId);
  /** Each lane's demand as last written, to tell a change from a repeat. */
  const told = new Map<string, string>();
  let soon: NodeJS.Timeout | null = null;
  const writeNow = () => {
    if (soon) clearTimeout(soon);
    soon = null;
    last = write().then(() => undefined);
  };
  // Never throws: it runs on a timer, where an exception would take the executor down.
  const write = () =>
    Promise.resolve()
      .then(() => queueOf(opts.executorId, opts.admission.snapshot(), opts.now().getTime()))
      .then((q) => {
        told.clear();
        for (const [lane, l] of Object.entries(q.lanes)) told.set(lane, JSON.stringify(l.demand ?? null));
        return opts.kv.put(key, JSON.stringify(q));
      })
      .catch((err: unknown) => opts.log.warn({ err }, "queue snapshot not written"));
  let last: Promise<unknown> = write();
  const timer = setInterval(writeNow, EVERY_MS);
  timer.unref();
  return {
    /**
     * A task was taken into holding on `lane`: when that changes what this executor wants of the lane (a higher
     * rank, a tenant not waiting before), the others hear it within SOON_MS rather than at the next tick — a
     * `high` task's turn is kept lane-wide from its first call.
     */
    held(lane: string) {
      if (soon || JSON.stringify(opts.admission.demandOf(lane)) === (told.get(lane) ?? "null")) return;
      soon = setTimeout(writeNow, SOON_MS);
      soon.unref();
    },
    async stop() {
      clearInterval(timer);
      if (soon) clearTimeout(soon);
      await last;
      await opts.kv.delete(key).catch(() => undefined);
    },
  };
}
