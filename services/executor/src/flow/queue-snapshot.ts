import type { KV } from "@nats-io/kv";
import { ExecutorQueue, flowKeys, type Priority, type WaitReason } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import type { Admission } from "./admission.ts";

const EVERY_MS = 2000;

/** What one executor holds and runs, per lane, by priority, tenant and wait reason. */
export function queueOf(executorId: string, snapshot: ReturnType<Admission["snapshot"]>, at: number): ExecutorQueue {
  type Counts = {
    held: number;
    running: number;
    byPriority: Partial<Record<Priority, number>>;
    byTenant: Record<string, number>;
    byReason: Partial<Record<WaitReason, number>>;
    demand?: { rank: number; tenants: string[] } | null;
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
  for (const [lane, demand] of snapshot.demand) laneOf(lane).demand = demand;
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
  const write = () =>
    opts.kv
      .put(key, JSON.stringify(queueOf(opts.executorId, opts.admission.snapshot(), opts.now().getTime())))
      .catch((err: unknown) => opts.log.warn({ err }, "queue snapshot not written"));
  let last = write();
  const timer = setInterval(() => {
    last = write();
  }, EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await last;
      await opts.kv.delete(key).catch(() => undefined);
    },
  };
}
