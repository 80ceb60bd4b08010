import type { JetStreamManager } from "@nats-io/jetstream";
import type { Names, Subjects } from "@taskjet/events";
import {
  type Db,
  historyPurgesDue,
  recordHistoryPurged,
  scheduleHistoryPurges,
  unscheduleHistoryPurge,
} from "@taskjet/read-model";
import { deleteTaskHistory, gate, type Logger } from "@taskjet/runtime";

export type HistoryPurgeOptions = {
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  subjects: Subjects;
  log: Logger;
  now: () => Date;
  /** FINISHED_HISTORY_SECONDS, as ms: how long a finished task's events stay in the stream. */
  retentionMs: number;
  /**
   * From a task's scheduling to its purge: far longer than a gateway takes from its look at the read model to
   * the publish of a command, so a command that looked before the schedule has landed before the purge.
   */
  graceMs?: number;
  everyMs?: number;
  batch?: number;
};

/**
 * Run by the active projector: every `everyMs`, schedules the purge of tasks finished more than `retentionMs`
 * ago (from then on the gateway refuses commands on them), and deletes the events of those whose time has come
 * — only if none came after the last one the row folded (a task that moved on keeps its history, and its
 * schedule is called off). The row stays: the read model is then the task's only record.
 */
export function startHistoryPurge(o: HistoryPurgeOptions) {
  const { jsm, db, names, subjects, log, now } = o;
  const graceMs = o.graceMs ?? 30_000;
  const everyMs = o.everyMs ?? 10_000;
  const batch = o.batch ?? 500;
  // Tasks purged at once: each is ~20 requests one after another (readTaskHistory, then a delete per event).
  const purging = gate(16);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: () => void = () => undefined;

  /** One pass; true when it found a full batch (more is due at once). */
  async function sweep(): Promise<boolean> {
    const at = now();
    const scheduled = await scheduleHistoryPurges(db, {
      ...{ finishedBefore: new Date(at.getTime() - o.retentionMs), purgeAt: new Date(at.getTime() + graceMs) },
      limit: batch,
    });
    const due = await historyPurgesDue(db, at, batch);
    const purged: string[] = [];
    let kept = 0;
    await Promise.all(
      due.map((task) =>
        purging(async () => {
          if (stopped) return;
          const outcome = task.finished ? await deleteTaskHistory(jsm, names, subjects, task.id, task.seq) : "moved_on";
          if (outcome === "deleted") {
            purged.push(task.id);
          } else {
            await unscheduleHistoryPurge(db, task.id);
            kept++;
          }
        }),
      ),
    );
    await recordHistoryPurged(db, purged, now());
    if (scheduled + purged.length + kept > 0) {
      log.info({ scheduled, purged: purged.length, kept }, "finished tasks' history: scheduled and purged");
    }
    return scheduled === batch || due.length === batch;
  }

  const done = (async () => {
    while (!stopped) {
      let more = false;
      try {
        more = await sweep();
      } catch (err) {
        log.warn({ err: { message: (err as Error).message } }, "history purge sweep failed; retrying");
      }
      if (more || stopped) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, everyMs);
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake();
      await done;
    },
  };
}
