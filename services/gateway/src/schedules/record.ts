import { cronProblem, nextTicks, type ScheduleRecord } from "@taskjet/events";
import type { Config } from "@taskjet/runtime";
import type { SubmitTaskBody } from "../api-schemas.ts";
import { taskSpecOf } from "../create-task.ts";
import { ApiError } from "../errors.ts";
import { requestProblems } from "../request-rules.ts";
import type { CreateScheduleBody, PatchScheduleBody, ScheduleResource } from "./schemas.ts";

/** A schedule's task template is copied into its entry and into every firing: it stays small. */
export const SCHEDULE_TASK_MAX_BYTES = 256 * 1024;
const NEXT_RUNS = 5;

type Problem = { path: string; message: string };
type Settings = Pick<ScheduleRecord, "cron" | "timezone" | "startAt" | "endAt">;

/**
 * What the schemas cannot say: the cron expression and time zone parse (and the expression ever fires), the
 * end comes after the start, and the task is one POST /tasks would take (its own rules, and no runAt: the
 * schedule says when). Each a 400 `invalid_request` naming the field.
 */
export function checkSchedule(
  settings: Settings,
  task: SubmitTaskBody | undefined,
  config: Config,
  /** Set on creation: a schedule that ends before it is made would never fire. */
  createdAt?: Date,
): void {
  const problems: Problem[] = [];
  if (createdAt !== undefined && settings.endAt !== null && Date.parse(settings.endAt) <= createdAt.getTime()) {
    problems.push({ path: "body.endAt", message: "must lie in the future" });
  }
  const cron = cronProblem(settings.cron, settings.timezone);
  if (cron !== null) problems.push({ path: `body.${cron.field}`, message: cron.message });
  if (
    settings.startAt !== null &&
    settings.endAt !== null &&
    Date.parse(settings.endAt) <= Date.parse(settings.startAt)
  ) {
    problems.push({ path: "body.endAt", message: "must come after startAt" });
  }
  if (task !== undefined) problems.push(...taskProblems(task, config));
  const first = problems[0];
  if (first !== undefined) throw new ApiError(400, "invalid_request", `${first.path}: ${first.message}`, problems);
}

function taskProblems(task: SubmitTaskBody, config: Config): Problem[] {
  const problems: Problem[] = [];
  for (const field of ["runAt", "delaySeconds"] as const) {
    if (task[field] !== undefined) problems.push({ path: `body.task.${field}`, message: "the schedule says when" });
  }
  const prompt = task.prompt ?? "";
  if (prompt.length > config.MAX_PROMPT_CHARS) {
    problems.push({ path: "body.task.prompt", message: `the limit is ${config.MAX_PROMPT_CHARS} characters` });
  }
  if (Buffer.byteLength(JSON.stringify(task)) > SCHEDULE_TASK_MAX_BYTES) {
    problems.push({
      path: "body.task",
      message: `a schedule's task is at most ${SCHEDULE_TASK_MAX_BYTES} bytes of JSON`,
    });
  }
  for (const p of requestProblems(task, config)) problems.push({ ...p, path: p.path.replace(/^body\./, "body.task.") });
  return problems;
}

export function newSchedule(
  body: CreateScheduleBody,
  who: { id: string; tenant: string; issuedBy: string | null },
  config: Config,
  now: Date,
): ScheduleRecord {
  const at = now.toISOString();
  return {
    id: who.id,
    tenant: who.tenant,
    name: body.name ?? null,
    cron: body.cron,
    timezone: body.timezone,
    overlap: body.overlap,
    catchUp: body.catchUp,
    catchUpMax: body.catchUpMax,
    startAt: isoOrNull(body.startAt),
    endAt: isoOrNull(body.endAt),
    paused: body.paused,
    task: body.task,
    spec: specOf(body.task, who.tenant, config),
    issuedBy: who.issuedBy,
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
  };
}

/**
 * A schedule with a PATCH applied. When what says which ticks exist changes (cron, time zone, start) or it
 * resumes, its cursor moves to now: ticks of the old settings, or of the pause, are not caught up.
 */
export function patchedSchedule(
  s: ScheduleRecord,
  patch: PatchScheduleBody,
  issuedBy: string | null,
  config: Config,
  now: Date,
): ScheduleRecord {
  const at = now.toISOString();
  const next: ScheduleRecord = {
    ...s,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.cron === undefined ? {} : { cron: patch.cron }),
    ...(patch.timezone === undefined ? {} : { timezone: patch.timezone }),
    ...(patch.overlap === undefined ? {} : { overlap: patch.overlap }),
    ...(patch.catchUp === undefined ? {} : { catchUp: patch.catchUp }),
    ...(patch.catchUpMax === undefined ? {} : { catchUpMax: patch.catchUpMax }),
    ...(patch.startAt === undefined ? {} : { startAt: isoOrNull(patch.startAt) }),
    ...(patch.endAt === undefined ? {} : { endAt: isoOrNull(patch.endAt) }),
    ...(patch.paused === undefined ? {} : { paused: patch.paused }),
    ...(patch.task === undefined ? {} : { task: patch.task, spec: specOf(patch.task, s.tenant, config) }),
    issuedBy,
    updatedAt: at,
  };
  const retimed =
    next.cron !== s.cron || next.timezone !== s.timezone || next.startAt !== s.startAt || (s.paused && !next.paused);
  return retimed && Date.parse(s.cursor) < now.getTime() ? { ...next, cursor: at } : next;
}

export function toScheduleResource(s: ScheduleRecord, now: Date): ScheduleResource {
  return {
    id: s.id,
    name: s.name,
    cron: s.cron,
    timezone: s.timezone,
    task: s.task,
    overlap: s.overlap,
    catchUp: s.catchUp,
    catchUpMax: s.catchUpMax,
    startAt: s.startAt,
    endAt: s.endAt,
    paused: s.paused,
    nextRuns: s.paused ? [] : nextTicks(s, now, NEXT_RUNS).map((d) => d.toISOString()),
    lastFiring: s.lastFiring,
    lastSkip: s.lastSkip,
    queuedTick: s.queued?.tick ?? null,
    firings: s.firings,
    skips: s.skips,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** What each firing copies: the task with the configured defaults, no idempotency key (each firing is new). */
function specOf(task: SubmitTaskBody, tenant: string, config: Config): ScheduleRecord["spec"] {
  const { idempotencyKey: _, ...spec } = taskSpecOf({ config }, task, tenant);
  return spec;
}

function isoOrNull(d: string | null | undefined): string | null {
  return d === undefined || d === null ? null : new Date(d).toISOString();
}
