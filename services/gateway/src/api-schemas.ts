import { TASK_STATUSES, TaskError, Usage } from "@taskjet/events";
import { z } from "zod";

export const TaskId = z.uuid({ error: "must be a UUID" });

/** What a client may send to create a task; limits that depend on configuration are checked in the route. */
export const CreateTaskBody = z
  .strictObject({
    prompt: z.string().min(1, "must not be empty"),
    system: z.string().optional(),
    model: z.string().min(1).max(200).optional(),
    maxTokens: z.number().int().min(1).max(200_000).optional(),
    temperature: z.number().min(0).max(1).optional(),
    runAt: z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time with a zone" }).optional(),
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
    metadata: z.record(z.string(), z.unknown()).optional(),
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
    cancelReason: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
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
  createdAfter: z.iso.datetime({ offset: true }).optional(),
  createdBefore: z.iso.datetime({ offset: true }).optional(),
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
  .strictObject({ reason: z.string().min(1).max(500).optional() })
  .nullish()
  .meta({ example: { reason: "no longer needed" } });

export const TaskParams = z.object({ id: TaskId });
