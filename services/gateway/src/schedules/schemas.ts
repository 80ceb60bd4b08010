import { CATCH_UP_MAX_LIMIT, CatchUpPolicy, isStorableDate, OverlapPolicy, SKIP_REASONS } from "@taskjet/events";
import { z } from "zod";
import { CreateTaskBody } from "../api-schemas.ts";

const date = () =>
  z.iso
    .datetime({ offset: true, error: "must be an ISO-8601 date-time with a zone" })
    .refine(isStorableDate, { error: "must lie between 1970 and the end of 9999" });

const fields = {
  name: z.string().min(1).max(200).meta({ description: "for people: shown in the console" }),
  cron: z
    .string()
    .min(1)
    .max(200)
    .meta({
      description:
        "five fields (minute hour day month weekday), or six with seconds first, or seven with a year last; " +
        "read in `timezone` (croner's syntax: `*/5`, ranges, lists, `L`, `#`, nicknames like `@daily`)",
    }),
  timezone: z.string().min(1).max(100).meta({ description: "an IANA time zone, e.g. Europe/Berlin (default UTC)" }),
  task: CreateTaskBody.meta({
    description: "what each firing submits: a POST /tasks body, without runAt or delaySeconds (the schedule says when)",
  }),
  overlap: OverlapPolicy.meta({
    description:
      "when a tick comes while the previous firing has not finished: `skip` it (default), `queue` it (at most " +
      "one waits, fired when the previous finishes) or `allow` it to run beside",
  }),
  catchUp: CatchUpPolicy.meta({
    description:
      "ticks missed while no scheduler ran: `none` (fire only a tick at most a minute late), `latest` (default: " +
      "fire the latest once), `all` (fire each, oldest first, at most `catchUpMax`)",
  }),
  catchUpMax: z.number().int().min(1).max(CATCH_UP_MAX_LIMIT),
  startAt: date().nullable().meta({ description: "no tick before it fires" }),
  endAt: date().nullable().meta({ description: "no tick after it fires" }),
  paused: z.boolean().meta({ description: "a paused schedule fires nothing; resuming does not catch up the pause" }),
};

export const CreateScheduleBody = z
  .strictObject({
    name: fields.name.optional(),
    cron: fields.cron,
    timezone: fields.timezone.default("UTC"),
    task: fields.task,
    overlap: fields.overlap.default("skip"),
    catchUp: fields.catchUp.default("latest"),
    catchUpMax: fields.catchUpMax.default(10),
    startAt: fields.startAt.optional(),
    endAt: fields.endAt.optional(),
    paused: fields.paused.default(false),
  })
  .meta({
    example: {
      name: "nightly digest",
      cron: "0 6 * * 1-5",
      timezone: "Europe/Berlin",
      task: { prompt: "Summarise yesterday's support tickets", model: "claude-sonnet-4-6" },
      overlap: "skip",
    },
  });
export type CreateScheduleBody = z.infer<typeof CreateScheduleBody>;

export const PatchScheduleBody = z
  .strictObject({
    name: fields.name.nullable().optional(),
    cron: fields.cron.optional(),
    timezone: fields.timezone.optional(),
    task: fields.task.optional(),
    overlap: fields.overlap.optional(),
    catchUp: fields.catchUp.optional(),
    catchUpMax: fields.catchUpMax.optional(),
    startAt: fields.startAt.optional(),
    endAt: fields.endAt.optional(),
    paused: fields.paused.optional(),
  })
  .meta({ example: { paused: true } });
export type PatchScheduleBody = z.infer<typeof PatchScheduleBody>;

const Firing = z.object({ tick: z.string(), taskId: z.uuid(), at: z.string() });

export const ScheduleResource = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    cron: z.string(),
    timezone: z.string(),
    task: z.record(z.string(), z.unknown()),
    overlap: OverlapPolicy,
    catchUp: CatchUpPolicy,
    catchUpMax: z.number().int(),
    startAt: z.string().nullable(),
    endAt: z.string().nullable(),
    paused: z.boolean(),
    nextRuns: z.array(z.string()).meta({ description: "the next five ticks (none while paused or after endAt)" }),
    lastFiring: Firing.nullable().meta({ description: "the latest tick fired: its time, its task, when it fired" }),
    lastSkip: z
      .object({ tick: z.string(), reason: z.enum(SKIP_REASONS), at: z.string() })
      .nullable()
      .meta({ description: "the latest tick not fired: `overlap` (the previous firing still ran) or `missed`" }),
    queuedTick: z.string().nullable().meta({ description: "overlap queue: the tick waiting for the previous firing" }),
    firings: z.number().int(),
    skips: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Schedule" });
export type ScheduleResource = z.infer<typeof ScheduleResource>;

export const ScheduleParams = z.object({ id: z.uuid({ error: "must be a UUID" }) });
