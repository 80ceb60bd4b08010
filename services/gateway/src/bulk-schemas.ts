import { z } from "zod";
import { CancelBody, CreateTaskBody, ErrorBody, ListTasksQuery, TaskId, TaskResource } from "./api-schemas.ts";

/** What one request may submit, cancel or retry at most: a bound on its body, its time and its publishes. */
export const BULK_MAX = 1000;

/** The Idempotency-Key header's rule, for a key given per item. */
const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: "must be 1–255 printable ASCII characters" })
  .meta({ description: "as the Idempotency-Key header, for this item alone" });

export const BatchItem = CreateTaskBody.safeExtend({ idempotencyKey: IdempotencyKey.optional() });
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchBody = z.strictObject({ tasks: z.array(BatchItem).min(1).max(BULK_MAX) }).meta({
  id: "TaskBatch",
  example: {
    tasks: [
      { prompt: "Summarise: …", idempotencyKey: "doc-1" },
      { prompt: "Translate to French: hello", maxTokens: 64, idempotencyKey: "doc-2" },
    ],
  },
});

/**
 * One slot of a batch's answer: the task, or why this item was not accepted (the others may have been). Told
 * apart by `id`: a task has one, an error slot none (a task's own `error` is its failure, null until then).
 */
export const BatchSlot = z.union([TaskResource, ErrorBody]);

export const BatchResult = z.object({ tasks: z.array(BatchSlot) }).meta({ id: "TaskBatchResult" });

/** The list's filter, without its paging: a bulk command takes the newest BULK_MAX matching tasks. */
const BulkFilter = ListTasksQuery.pick({ status: true, parentId: true, createdAfter: true, createdBefore: true });
export type BulkFilter = z.infer<typeof BulkFilter>;

const targets = {
  ids: z.array(TaskId).min(1).max(BULK_MAX).optional(),
  filter: BulkFilter.optional(),
};
const oneTarget = [
  (b: { ids?: unknown; filter?: unknown }) => (b.ids === undefined) !== (b.filter === undefined),
  { error: "give either `ids` or `filter`" },
] as const;

export const BulkCancelBody = z
  .strictObject({ ...targets, reason: CancelBody.unwrap().unwrap().shape.reason })
  .refine(...oneTarget)
  .meta({
    id: "BulkCancel",
    example: { filter: { status: ["queued", "scheduled"] }, reason: "deploy rolled back" },
  });
export type BulkCancelBody = z.infer<typeof BulkCancelBody>;

export const BulkRetryBody = z
  .strictObject(targets)
  .refine(...oneTarget)
  .meta({ id: "BulkRetry", example: { ids: ["0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c"] } });
export type BulkRetryBody = z.infer<typeof BulkRetryBody>;

export const BULK_OUTCOMES = [
  "cancelled",
  "already_cancelled",
  "retried",
  "not_found",
  "illegal_transition",
  "history_purged",
  "unavailable",
] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

export const BulkResult = z
  .object({
    results: z.array(
      z.object({
        id: z.uuid(),
        outcome: z.enum(BULK_OUTCOMES),
        task: TaskResource.optional().meta({ description: "the task after the command, when it is the caller's" }),
      }),
    ),
    truncated: z.boolean().meta({
      description:
        "with `filter`: more tasks matched than one request takes; send the same request again for the next ones",
    }),
  })
  .meta({
    id: "BulkResult",
    example: {
      results: [
        { id: "0b6f5c2e-8a1d-4c7e-9f3a-2d4b6e8f0a1c", outcome: "cancelled" },
        { id: "5d1e8c3a-1b2f-4e6d-8a9c-0f3e5b7d9c1a", outcome: "not_found" },
      ],
      truncated: false,
    },
  });
export type BulkResult = z.infer<typeof BulkResult>;
