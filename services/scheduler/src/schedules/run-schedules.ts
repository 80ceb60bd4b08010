import type { KV } from "@nats-io/kv";
import {
  abandonedFirings,
  decideScheduleFirings,
  type EventOf,
  markPublished,
  SCHEDULES_BUCKET,
  ScheduleRecord,
  scheduleWakeAt,
  type TaskStatus,
} from "@taskjet/events";
import {
  type Config,
  followKeys,
  inProducerSpan,
  isCasConflict,
  loadTaskFromStream,
  openBucket,
  type Running,
} from "@taskjet/runtime";
import type { SchedulerDeps } from "../deps.ts";
import { publishFiring } from "./publish-firing.ts";

export type ScheduleRunnerDeps = Pick<SchedulerDeps, "js" | "jsm" | "names" | "subjects" | "log" | "now">;

/** Node's timers hold at most ~24.8 days: a later wake is re-armed when this one ends. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed evaluation (NATS away), look again this much later. */
const RETRY_MS = 1000;
/** Compare-and-set conflicts in a row before an evaluation gives up until its next wake. */
const MAX_CONFLICTS = 20;

/**
 * Fires every schedule of the bucket from this scheduler instance. Every instance follows the whole bucket (a
 * KV watch) and arms one timer per schedule for its next wake; at a wake it decides with
 * `decideScheduleFirings` and then, in this order: claims the firings in the entry (compare-and-set on the
 * revision it decided from; losing means another instance decided first — read again, decide again),
 * publishes each firing's TaskSubmitted create-if-absent (its task id derived from the tick), then clears the
 * claim. A crash between claim and publish leaves the claim in the entry, and whoever looks next after
 * RECLAIM_AFTER_MS publishes it: the stream refuses a second task for a tick, so each tick has one.
 */
export async function runSchedules(
  deps: ScheduleRunnerDeps,
  config: Pick<Config, "STREAM_REPLICAS">,
): Promise<Running> {
  const kv = await openBucket(deps.js, deps.names, SCHEDULES_BUCKET, config);
  return scheduleRunner(kv, deps);
}

export async function scheduleRunner(kv: KV, deps: ScheduleRunnerDeps): Promise<Running> {
  const { log, now } = deps;
  const timers = new Map<string, NodeJS.Timeout>();
  const chains = new Map<string, Promise<void>>();
  let stopping = false;
  let follow: Awaited<ReturnType<typeof followKeys>> | undefined;

  const recordOf = (key: string): { record: ScheduleRecord; revision: number } | null => {
    const known = follow?.known.get(key);
    if (!known || known.value === null) return null;
    const parsed = ScheduleRecord.safeParse(known.value);
    if (!parsed.success) {
      log.warn({ schedule: key }, "a schedule entry that does not decode: skipped");
      return null;
    }
    return { record: parsed.data, revision: known.revision };
  };

  function arm(key: string, atLeastMs = 0) {
    clearTimeout(timers.get(key));
    timers.delete(key);
    if (stopping) return;
    const current = recordOf(key);
    if (current === null) return;
    const wake = scheduleWakeAt(current.record, now());
    if (wake === null) return;
    const ms = Math.max(atLeastMs, wake.getTime() - now().getTime());
    timers.set(
      key,
      setTimeout(() => wakeUp(key), Math.min(ms, MAX_TIMER_MS)),
    );
  }

  /** One evaluation per schedule at a time in this process; the next waits for the one running. */
  function wakeUp(key: string) {
    timers.delete(key);
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (stopping) return;
      try {
        await evaluate(key);
        arm(key);
      } catch (err) {
        log.warn({ err, schedule: key }, "a schedule could not be evaluated; trying again shortly");
        arm(key, RETRY_MS);
      }
    });
    chains.set(key, next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  }

  /** Writes `record` if the entry is still at `revision`: its new revision, or null when another write came first. */
  async function write(key: string, record: ScheduleRecord, revision: number): Promise<number | null> {
    try {
      const rev = await kv.update(key, JSON.stringify(ScheduleRecord.parse(record)), revision);
      follow?.apply(key, rev, record);
      return rev;
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      await follow?.refresh(key);
      return null;
    }
  }

  async function publishAll(events: EventOf<"TaskSubmitted">[]) {
    for (const event of events) {
      const firing = {
        "taskjet.task_id": event.taskId,
        ...(event.scheduleId ? { "taskjet.schedule_id": event.scheduleId } : {}),
      };
      const outcome = await inProducerSpan("scheduler", "scheduler schedule fired", firing, () =>
        publishFiring(deps.js, deps.subjects, event),
      );
      log.info(
        { schedule: event.scheduleId, tick: event.scheduledFor, taskId: event.taskId, outcome },
        "schedule fired",
      );
    }
  }

  /** Clears published firings from the entry, reading it again as often as other writes come between. */
  async function clear(key: string, taskIds: string[]) {
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const current = recordOf(key);
      const cleared = current && markPublished(current.record, taskIds);
      if (!current || !cleared) return;
      if ((await write(key, cleared, current.revision)) !== null) return;
    }
  }

  async function statusOf(taskId: string): Promise<TaskStatus | null> {
    const state = await loadTaskFromStream(deps.js, deps.jsm, deps.names, deps.subjects, taskId);
    return state?.status ?? null;
  }

  async function evaluate(key: string) {
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const current = recordOf(key);
      if (current === null) return;
      const { record, revision } = current;
      const abandoned = abandonedFirings(record, now());
      if (abandoned.length > 0) {
        await publishAll(abandoned);
        await clear(
          key,
          abandoned.map((e) => e.taskId),
        );
        continue;
      }
      const previous =
        record.lastFiring && record.overlap !== "allow" ? await statusOf(record.lastFiring.taskId) : null;
      const decision = decideScheduleFirings(record, previous, now());
      if (decision.next === null) return;
      if ((await write(key, decision.next, revision)) === null) continue;
      if (decision.events.length === 0) return;
      await publishAll(decision.events);
      await clear(
        key,
        decision.events.map((e) => e.taskId),
      );
      return;
    }
    log.warn({ schedule: key }, "a schedule changed under every evaluation; trying at its next wake");
  }

  follow = await followKeys(kv, undefined, log, (key) => arm(key));
  for (const key of follow.known.keys()) arm(key);
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  return {
    done,
    wake() {},
    async stop() {
      stopping = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...chains.values()]);
      await follow?.close();
      resolveDone();
    },
  };
}
