import { createHash } from "node:crypto";
import { Cron } from "croner";
import { z } from "zod";
import { TaskSpec } from "./events.ts";

/**
 * A schedule as its KV entry holds it (`<kvPrefix>_schedules`, one entry per schedule id): what the client
 * asked for, the task spec every firing copies (defaults resolved when it was written), and where firing
 * stands. Every change is a compare-and-set on the entry's revision, so two gateways and any number of
 * schedulers never overwrite each other's change.
 */
export const OVERLAP_POLICIES = ["skip", "queue", "allow"] as const;
export const OverlapPolicy = z.enum(OVERLAP_POLICIES);
export type OverlapPolicy = z.infer<typeof OverlapPolicy>;

export const CATCH_UP_POLICIES = ["none", "latest", "all"] as const;
export const CatchUpPolicy = z.enum(CATCH_UP_POLICIES);
export type CatchUpPolicy = z.infer<typeof CatchUpPolicy>;

/** The KV bucket schedules live in: `<kvPrefix>_schedules`. */
export const SCHEDULES_BUCKET = "schedules";

/** The most ticks `catchUp: "all"` fires after downtime (`catchUpMax`, default 10). */
export const CATCH_UP_MAX_LIMIT = 100;

const iso = z.iso.datetime({ offset: true });

/** A tick decided for: fired (its task's id) or skipped (why). */
export const ScheduleFiring = z.object({ tick: iso, taskId: z.uuid(), at: iso });
export type ScheduleFiring = z.infer<typeof ScheduleFiring>;
export const SKIP_REASONS = ["overlap", "missed"] as const;
export const ScheduleSkip = z.object({ tick: iso, reason: z.enum(SKIP_REASONS), at: iso });
export type ScheduleSkip = z.infer<typeof ScheduleSkip>;

// Loose: a field a newer gateway wrote survives an older scheduler's compare-and-set (a rolling upgrade).
export const ScheduleRecord = z.looseObject({
  id: z.uuid(),
  tenant: z.string().min(1),
  name: z.string().nullable(),
  cron: z.string(),
  timezone: z.string(),
  overlap: OverlapPolicy,
  catchUp: CatchUpPolicy,
  catchUpMax: z.number().int().positive().max(CATCH_UP_MAX_LIMIT),
  startAt: iso.nullable(),
  endAt: iso.nullable(),
  paused: z.boolean(),
  /** The task body as the client gave it (what GET shows and PATCH edits). */
  task: z.record(z.string(), z.unknown()),
  /** What every firing's TaskSubmitted carries: `task` with the gateway's defaults filled in. */
  spec: TaskSpec.omit({ runAt: true, scheduleId: true, scheduledFor: true, idempotencyKey: true }).loose(),
  /** The API key that wrote it last (recorded in every firing), null with auth off. */
  issuedBy: z.string().nullable(),
  createdAt: iso,
  updatedAt: iso,
  /** Every tick at or before it has been decided (fired, skipped or dropped); later ones are still to come. */
  cursor: iso,
  lastFiring: ScheduleFiring.nullable(),
  lastSkip: ScheduleSkip.nullable(),
  /** `overlap: "queue"`: the one tick waiting for the previous firing to finish. */
  queued: z.object({ tick: iso }).nullable(),
  /**
   * Firings claimed in this entry whose TaskSubmitted may not be published yet (claim, publish, then clear):
   * whoever finds one left behind (its claimer crashed) publishes it; the task id makes that idempotent.
   */
  unpublished: z.array(z.object({ tick: iso, taskId: z.uuid() })),
  claimedAt: iso.nullable(),
  firings: z.number().int().nonnegative(),
  skips: z.number().int().nonnegative(),
});
export type ScheduleRecord = z.infer<typeof ScheduleRecord>;

/** The cron parser for a schedule: five fields (minutes), six (seconds first) or seven (years last). */
export function cronOf(s: Pick<ScheduleRecord, "cron" | "timezone">): Cron {
  return new Cron(s.cron, { timezone: s.timezone });
}

/** Why a cron expression or a time zone is refused, or null when both are usable. */
export function cronProblem(cron: string, timezone: string): { field: "cron" | "timezone"; message: string } | null {
  if (!isTimeZone(timezone)) return { field: "timezone", message: `unknown IANA time zone "${timezone}"` };
  let parsed: Cron;
  try {
    parsed = new Cron(cron, { timezone });
  } catch (err) {
    return { field: "cron", message: (err as Error).message.replace(/^CronPattern: /, "") };
  }
  if (parsed.nextRun() === null) return { field: "cron", message: "never fires" };
  return null;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The first `n` ticks after `after` (start and end dates respected), for showing a schedule's next runs. */
export function nextTicks(
  s: Pick<ScheduleRecord, "cron" | "timezone" | "startAt" | "endAt">,
  after: Date,
  n: number,
): Date[] {
  const cron = cronOf(s);
  const out: Date[] = [];
  let from = after;
  if (s.startAt !== null && Date.parse(s.startAt) > after.getTime()) from = new Date(Date.parse(s.startAt) - 1);
  while (out.length < n) {
    const next = cron.nextRun(from);
    if (next === null || (s.endAt !== null && next.getTime() > Date.parse(s.endAt))) break;
    out.push(next);
    from = next;
  }
  return out;
}

/**
 * The id of the task a schedule fires for a tick: the same on every scheduler instance and every retry, so
 * the stream itself refuses a second task for one tick (a UUID v5 of the schedule id and the tick).
 */
export function scheduledTaskId(scheduleId: string, tick: string): string {
  const h = createHash("sha1")
    .update(`taskjet-schedule:${scheduleId}:${new Date(tick).toISOString()}`)
    .digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
