import { z } from "zod";
import type { AttemptRef, FallbackModel } from "./decide/attempts.ts";
import { flowKeyPart } from "./flow.ts";

/**
 * Message Batches in flight, kept in the NATS KV bucket `<kvPrefix>_batches` so that polling survives a restart
 * and several executors share it without doubling: `batch.<id>` is the record of what was sent (written once),
 * `lease.<id>` who polls it now (taken and renewed by compare-and-set) and how far its settling has got.
 */
export const batchKeys = {
  batch: (id: string) => `batch.${flowKeyPart(id)}`,
  lease: (id: string) => `lease.${flowKeyPart(id)}`,
  leases: "lease.>",
};

/**
 * One request of a batch: a task's attempt, as `<taskId>:<gen>:<attempt>:<delivery>` with `:<since>` when it calls
 * a fallback model (the batch's model; `since` the attempt that model began with). A string, not an object: a
 * record of 10,000 of them stays well inside one NATS message.
 */
export const BatchEntry = z.string().regex(/^[0-9a-f-]{36}(:\d+){3,4}$/);

export const BatchRecord = z.object({
  /** The provider's id of the batch. */
  id: z.string().min(1),
  /** The provider that holds it (a provider's name, as the executor knows it). */
  provider: z.string().min(1),
  /** The model every request of it calls. */
  model: z.string().min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  executorId: z.string(),
  entries: z.array(BatchEntry),
});
export type BatchRecord = z.infer<typeof BatchRecord>;

export const BatchLease = z.object({
  /** The batch's id (a key holds it encoded). */
  id: z.string().min(1),
  owner: z.string(),
  /** ms since the epoch: past it, any executor may take the batch over. */
  until: z.number(),
  /** Every request's TaskBatched is on the stream (a submitter killed before that is made good by the poller). */
  announced: z.boolean(),
  /** Every task of it was cancelled, and so was the batch. */
  cancelRequested: z.boolean(),
});
export type BatchLease = z.infer<typeof BatchLease>;

/** A batch entry's attempt and fallback model. */
export type BatchItemRef = { ref: AttemptRef; fallback: FallbackModel | null };

export function batchEntry({ ref, fallback }: BatchItemRef): string {
  const base = `${ref.taskId}:${ref.gen}:${ref.attempt}:${ref.delivery}`;
  return fallback ? `${base}:${fallback.since}` : base;
}

export function parseBatchEntry(entry: string, model: string): BatchItemRef {
  const [taskId = "", gen, attempt, delivery, since] = entry.split(":");
  const ref = { taskId, gen: Number(gen), attempt: Number(attempt), delivery: Number(delivery) };
  return { ref, fallback: since === undefined ? null : { model, since: Number(since) } };
}

/** The `custom_id` of a request (Anthropic: `^[a-zA-Z0-9_-]{1,64}$`): the task and its attempt. */
export function batchCustomId(ref: Pick<AttemptRef, "taskId" | "gen" | "attempt">): string {
  return `${ref.taskId}_${ref.gen}_${ref.attempt}`;
}
