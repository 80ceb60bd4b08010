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
