// Resuming a live stream without a gap or a repeat. After a reconnect the gateway sends a task's snapshot again
// and replays its output from the first delta; these decide what is new. Output deltas are placed by
// (generation, attempt, index) — each attempt counts from 0 and only the latest attempt matters; a task version
// by `updatedAt`, and a version is never given twice nor an older one after a newer.
import type { Delta, Task } from "./types.ts";

type Place = { gen: number; attempt: number };

const compareAttempt = (a: Place, b: Place) => a.gen - b.gen || a.attempt - b.attempt;

/**
 * Deltas of one task in, deltas to hand on out: in order, each once. A delta of an older attempt than the one
 * being followed is dropped; one of a newer attempt starts it afresh; one that comes before its predecessors
 * (never from the gateway's ordered replay, but cheap to allow) waits until they have come.
 */
export function createDeltaMerger() {
  let current: Place | null = null;
  let next = 0;
  const early = new Map<number, Delta>();
  return {
    accept(delta: Delta): Delta[] {
      const order = current === null ? 1 : compareAttempt(delta, current);
      if (order < 0) return [];
      if (order > 0) {
        current = { gen: delta.gen, attempt: delta.attempt };
        next = 0;
        early.clear();
      }
      if (delta.index < next) return [];
      early.set(delta.index, delta);
      const out: Delta[] = [];
      for (let d = early.get(next); d !== undefined; d = early.get(next)) {
        out.push(d);
        early.delete(next);
        next++;
      }
      return out;
    },
    /** The answer text handed on for the attempt being followed. */
    get place(): (Place & { next: number }) | null {
      return current === null ? null : { ...current, next };
    },
  };
}

/** Versions of tasks in, versions to hand on out: only one newer than the latest given for its task. */
export function createTaskVersions() {
  const latest = new Map<string, { at: number; status: string; attempts: number }>();
  return {
    accept(task: Task): boolean {
      const at = Date.parse(task.updatedAt);
      const held = latest.get(task.id);
      const newer =
        held === undefined ||
        at > held.at ||
        (at === held.at && (task.status !== held.status || task.attempts > held.attempts));
      if (newer) latest.set(task.id, { at, status: task.status, attempts: task.attempts });
      return newer;
    },
    /** The latest change seen of any task, in ms (0 for none): where a subscription to all of them resumes. */
    get latestChange(): number {
      let max = 0;
      for (const v of latest.values()) max = Math.max(max, v.at);
      return max;
    },
  };
}
