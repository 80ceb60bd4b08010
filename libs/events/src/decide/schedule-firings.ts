import type { EventOf } from "../events.ts";
import { cronOf, nextTicks, type ScheduleRecord, type ScheduleSkip, scheduledTaskId } from "../schedule.ts";
import { isTerminal, type TaskStatus } from "../status.ts";
import { decideCreate } from "./task-commands.ts";

/** `catchUp: "none"`: a tick at most this late still counts as on time (a busy or restarting scheduler). */
export const ON_TIME_MS = 60_000;
/** `overlap: "queue"`: how often a waiting tick looks again whether the previous firing has finished. */
export const QUEUE_POLL_MS = 1_000;
/** A firing claimed but not known published this long ago was left by a crashed scheduler: publish it. */
export const RECLAIM_AFTER_MS = 2_000;

export type ScheduleDecision = {
  /** The entry to write (compare-and-set) before publishing anything; null when nothing changed. */
  next: ScheduleRecord | null;
  /** The firings, oldest tick first: TaskSubmitted to publish (create-if-absent) once `next` is written. */
  events: EventOf<"TaskSubmitted">[];
  /** When to decide again: the next tick, sooner while a queued tick waits; null: never (paused, ended). */
  wakeAt: Date | null;
};

/**
 * What a schedule fires now. Pure: the schedule as its entry holds it, the status of its last firing's task
 * (null: none, or gone from the stream — only finished tasks' histories are purged) and the time.
 *
 * Due are the ticks after the entry's cursor up to `now` (never one still ahead), inside `startAt`…`endAt`.
 * After downtime several are due; `catchUp` picks which run: `none` only the latest and only if it is at most
 * ON_TIME_MS late, `latest` the latest however late, `all` the last `catchUpMax` in order; the rest are
 * dropped as missed. Then `overlap` orders them against the previous firing, as if they had come one by one:
 * `allow` fires each; `skip` fires one only when nothing it fired is still unfinished (the ticks after it in the
 * same catch-up overlap it); `queue` also keeps one overlapping tick waiting and fires it once the previous has
 * finished. The cursor moves to `now`, so every tick is decided once.
 */
export function decideScheduleFirings(
  s: ScheduleRecord,
  prevTaskStatus: TaskStatus | null,
  now: Date,
): ScheduleDecision {
  if (s.paused) return { next: null, events: [], wakeAt: null };
  const due = dueTicks(s, now);
  const { run, missed } = catchUp(s, due, now);
  let busy = prevTaskStatus !== null && !isTerminal(prevTaskStatus);
  let queued = s.queued?.tick ?? null;
  const fire: string[] = [];
  const overlapped: string[] = [];
  if (s.overlap === "allow") {
    fire.push(...run);
  } else {
    if (queued !== null && !busy) {
      fire.push(queued);
      queued = null;
      busy = true;
    }
    for (const tick of run) {
      if (!busy) {
        fire.push(tick);
        busy = true;
      } else if (s.overlap === "queue" && queued === null) queued = tick;
      else overlapped.push(tick);
    }
  }
  const wakeAt = wakeOf(s, now, queued !== null);
  const changed = due.length > 0 || queued !== (s.queued?.tick ?? null);
  if (!changed) return { next: null, events: [], wakeAt };
  const at = now.toISOString();
  const skips: ScheduleSkip[] = [
    ...missed.map((tick) => ({ tick, reason: "missed" as const, at })),
    ...overlapped.map((tick) => ({ tick, reason: "overlap" as const, at })),
  ].sort((a, b) => a.tick.localeCompare(b.tick));
  const fired = fire.map((tick) => ({ tick, taskId: scheduledTaskId(s.id, tick) }));
  const last = fired.at(-1);
  const next: ScheduleRecord = {
    ...s,
    cursor: due.length > 0 ? at : s.cursor,
    queued: queued === null ? null : { tick: queued },
    lastFiring: last === undefined ? s.lastFiring : { ...last, at },
    lastSkip: skips.at(-1) ?? s.lastSkip,
    unpublished: [...s.unpublished, ...fired],
    claimedAt: fired.length > 0 ? at : s.claimedAt,
    firings: s.firings + fired.length,
    skips: s.skips + skips.length,
  };
  return { next, events: fired.map((f) => firingEvent(s, f.tick, now)), wakeAt };
}

/** The TaskSubmitted of one tick's firing: its id derived from the tick, its spec the schedule's. */
export function firingEvent(s: ScheduleRecord, tick: string, now: Date): EventOf<"TaskSubmitted"> {
  const [event] = decideCreate(
    {
      type: "CreateTask",
      taskId: scheduledTaskId(s.id, tick),
      spec: { ...s.spec, idempotencyKey: null, scheduleId: s.id, scheduledFor: tick },
      issuedBy: s.issuedBy,
    },
    null,
    now,
  );
  if (event.type !== "TaskSubmitted") throw new Error("a schedule's firing has no parents");
  return event;
}

/** Firings claimed long enough ago that their claimer must be gone: to publish again (idempotent). */
export function abandonedFirings(s: ScheduleRecord, now: Date): EventOf<"TaskSubmitted">[] {
  if (s.unpublished.length === 0 || s.claimedAt === null) return [];
  if (now.getTime() - Date.parse(s.claimedAt) < RECLAIM_AFTER_MS) return [];
  return s.unpublished.map((f) => firingEvent(s, f.tick, now));
}

/** The entry once these firings' tasks are known to be in the stream; null when none of them was pending. */
export function markPublished(s: ScheduleRecord, taskIds: readonly string[]): ScheduleRecord | null {
  const left = s.unpublished.filter((f) => !taskIds.includes(f.taskId));
  if (left.length === s.unpublished.length) return null;
  return { ...s, unpublished: left, claimedAt: left.length === 0 ? null : s.claimedAt };
}

/** When a scheduler should look at the entry again, unpublished firings included. */
export function scheduleWakeAt(s: ScheduleRecord, now: Date): Date | null {
  const base = s.paused ? null : wakeOf(s, now, s.queued !== null);
  if (s.unpublished.length === 0 || s.claimedAt === null) return base;
  const reclaim = new Date(Date.parse(s.claimedAt) + RECLAIM_AFTER_MS);
  return base === null || reclaim < base ? reclaim : base;
}

/** Ticks after the cursor up to now (and up to `endAt`), from `startAt` on, oldest first; at most the last few. */
function dueTicks(s: ScheduleRecord, now: Date): string[] {
  const end = s.endAt === null ? now.getTime() : Math.min(now.getTime(), Date.parse(s.endAt));
  const from = Math.max(Date.parse(s.cursor), s.startAt === null ? -Infinity : Date.parse(s.startAt) - 1);
  if (end <= from) return [];
  // One more than can run, so that dropping older ticks is seen (and counted, at least one).
  const keep = (s.catchUp === "all" ? s.catchUpMax : 1) + 1;
  return cronOf(s)
    .previousRuns(keep, new Date(end + 1))
    .filter((d) => d.getTime() > from && d.getTime() <= end)
    .map((d) => d.toISOString())
    .reverse();
}

function catchUp(s: ScheduleRecord, due: string[], now: Date): { run: string[]; missed: string[] } {
  const keep = s.catchUp === "all" ? s.catchUpMax : 1;
  const run = due.slice(-keep);
  const missed = due.slice(0, due.length - run.length);
  const latest = run.at(-1);
  if (s.catchUp === "none" && latest !== undefined && now.getTime() - Date.parse(latest) > ON_TIME_MS) {
    return { run: [], missed: due };
  }
  return { run, missed };
}

function wakeOf(s: ScheduleRecord, now: Date, waiting: boolean): Date | null {
  const [tick] = nextTicks(s, now, 1);
  if (!waiting) return tick ?? null;
  const poll = new Date(now.getTime() + QUEUE_POLL_MS);
  return tick === undefined || poll < tick ? poll : tick;
}
