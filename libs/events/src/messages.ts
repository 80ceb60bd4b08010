import { z } from "zod";
import { parseJson } from "./envelope.ts";
import { DeltaKind } from "./model-request.ts";
import { TaskState } from "./state.ts";

/**
 * The projector's word that the read model now holds a version of a task (`projected.tasks.<id>`, core NATS):
 * the state it committed and the stream sequence that state reflects.
 */
export const ProjectedNotice = z.object({
  taskId: z.uuid(),
  seq: z.number().int().nonnegative(),
  state: TaskState,
});
export type ProjectedNotice = z.infer<typeof ProjectedNotice>;

/**
 * What the projector says after each batch it commits (`projected.batch`, core NATS): every version it wrote, in
 * stream order — one message per batch (split when large), not one per version, so a burst costs NATS a few
 * messages per batch rather than one per event.
 */
export const ProjectedBatch = z.object({ versions: z.array(ProjectedNotice) });
export type ProjectedBatch = z.infer<typeof ProjectedBatch>;

/**
 * A piece of a task's live output (`output.<taskId>`, stream TASK_OUTPUT); `index` orders one attempt's pieces.
 * `kind` says what it is a piece of (answer text, thinking, a tool call's input JSON) and `block` which block of
 * the reply; deltas written before kinds existed decode as text.
 */
export const OutputDelta = z.object({
  taskId: z.uuid(),
  gen: z.number().int().positive(),
  attempt: z.number().int().positive(),
  index: z.number().int().nonnegative(),
  text: z.string(),
  kind: DeltaKind.default("text"),
  block: z.number().int().nonnegative().optional(),
});
export type OutputDelta = z.infer<typeof OutputDelta>;

/** The gateway's claim on an idempotency key (NATS KV): the task the key made, and the request that made it. */
export const IdempotencyClaim = z.object({ taskId: z.uuid(), requestHash: z.string() });
export type IdempotencyClaim = z.infer<typeof IdempotencyClaim>;

/** The chained tasks waiting for one parent (NATS KV, key: the parent's id), as the scheduler keeps them. */
export const WaitingChildIds = z.array(z.uuid());

/** Who holds the projector lease (NATS KV, key `projector`); its age is the entry's server timestamp. */
export const ProjectorLease = z.object({ holder: z.string().min(1) });

const encoder = new TextEncoder();

/** Checks a message against its schema before it is sent: a malformed one never leaves the process. */
export function encodeMessage<S extends z.ZodType>(schema: S, message: z.input<S>): Uint8Array {
  return encoder.encode(JSON.stringify(schema.parse(message)));
}

export type DecodedMessage<T> = { ok: true; message: T } | { ok: false; reason: string };

/** Never throws: a reader logs and drops what it cannot read. */
export function decodeMessage<S extends z.ZodType>(schema: S, data: Uint8Array): DecodedMessage<z.output<S>> {
  const json = parseJson(data);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.json);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: z.prettifyError(parsed.error) };
}
