import {
  isStorableDate,
  isStorableText,
  LIMITS,
  metadataProblem,
  Priority,
  TASK_STATUSES,
  TaskError,
  TaskState,
  Usage,
} from "@taskjet/events";
import { z } from "zod";

export const TaskId = z.uuid({ error: "must be a UUID" });

/** Text the read model stores as given: Postgres refuses a NUL character, and a lone surrogate in JSON. */
const storableText = () =>
  z.string().refine(isStorableText, { error: "must not contain a NUL character or a lone surrogate" });

/** A date-time with a zone, in the range Postgres and every client can hold (year 0 is refused by both). */
const storableDate = () =>
  z.iso
    .datetime({ offset: true, error: "must be an ISO-8601 date-time with a zone" })
    .refine(isStorableDate, { error: "must lie between 1970 and the end of 9999" });

/** Checked without recursion, so metadata nested thousands deep is a 400 and not a stack overflow. */
const Metadata = z.record(z.string(), z.unknown()).check((ctx) => {
  const problem = metadataProblem(ctx.value);
  if (problem !== null) ctx.issues.push({ code: "custom", message: `metadata ${problem}`, input: ctx.value });
});

/** What a client may send to create a task; limits that depend on configuration are checked in the route. */
export const CreateTaskBody = z
  .strictObject({
    prompt: storableText().min(1, "must not be empty"),
    system: storableText().optional(),
    model: storableText().min(1).max(200).optional(),
    maxTokens: z.number().int().min(1).max(200_000).optional(),
    temperature: z.number().min(0).max(1).optional(),
    runAt: storableDate().optional(),
    delaySeconds: z
      .number()
      .min(0)
      .max(366 * 24 * 3600)
      .optional(),
    maxAttempts: z.number().int().min(1).max(100).optional(),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(24 * 3600)
      .optional(),
    priority: Priority.optional().meta({
      description:
        "which work its model lane admits first (default normal); waiting work ages upwards, so low is never starved",
    }),
    metadata: Metadata.optional().meta({
      description:
        `Your own JSON, kept with the task: at most ${LIMITS.metadataDepth} levels deep, ` +
        `${LIMITS.metadataBytes} bytes as JSON, keys of at most ${LIMITS.metadataKeyChars} characters`,
    }),
  })
  .refine((b) => b.runAt === undefined || b.delaySeconds === undefined, {
    message: "give runAt or delaySeconds, not both",
    path: ["delaySeconds"],
  })
  .meta({ example: { prompt: "Summarise the plot of Hamlet in one sentence.", maxTokens: 200 } });
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

export const TaskResource = z
  .object({
    id: z.uuid(),
    status: z.enum(TASK_STATUSES),
    prompt: z.string(),
    system: z.string().nullable(),
    model: z.string(),
    maxTokens: z.number().int(),
    temperature: z.number().nullable(),
    runAt: z.string().nullable(),
    parentId: z.uuid().nullable(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    timeoutSeconds: z.number(),
    output: z.string().nullable(),
    error: TaskError.nullable(),
    usage: Usage.nullable(),
    stopReason: z
      .string()
      .nullable()
      .meta({ description: "why the model stopped: end_turn, max_tokens (the output was cut short), stop_sequence…" }),
    cancelReason: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    priority: Priority,
    waiting: TaskState.shape.waiting.meta({
      description:
        "why a queued task is not running yet: its model lane paused after a 429 or out of budget, a concurrency " +
        "cap, or its tenant over its spend limit; null otherwise. Waiting burns no attempt.",
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    quarantinedSeq: z
      .number()
      .int()
      .nullable()
      .meta({
        description:
          "set when the read model could not apply an event of this task (that event's stream sequence; see " +
          "GET /admin/quarantine): this answer was folded from the stream instead",
      }),
  })
  .meta({ id: "Task" });
export type TaskResource = z.infer<typeof TaskResource>;

export const ErrorBody = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: "Error", example: { error: { code: "not_found", message: "task 0b6f… not found" } } });

const statusList = z.preprocess(
  (v) => (typeof v === "string" ? v.split(",") : v),
  z.array(z.enum(TASK_STATUSES)).min(1),
);

export const ListTasksQuery = z.strictObject({
  status: statusList.optional().meta({ description: "one or several statuses, comma-separated or repeated" }),
  parentId: z.uuid().optional(),
  createdAfter: storableDate().optional(),
  createdBefore: storableDate().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page" }),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const TaskPage = z.object({ tasks: z.array(TaskResource), nextCursor: z.string().nullable() });

export const TaskEventsResponse = z.object({
  events: z.array(
    z.object({ seq: z.number().int(), type: z.string(), time: z.string(), payload: z.record(z.string(), z.unknown()) }),
  ),
});

export const CancelBody = z
  .strictObject({ reason: storableText().min(1).max(500).optional() })
  .nullish()
  .meta({ example: { reason: "no longer needed" } });

export const TaskParams = z.object({ id: TaskId });
