import { z } from "zod";
import { BodyRef, OutputBlock, RequestOptions, TextBlock } from "./model-request.ts";
import { TaskWebhook } from "./webhooks.ts";

/** Every event carries these; `v` lets a future payload change be told apart from today's. */
const Base = z.object({
  v: z.literal(1),
  taskId: z.uuid(),
  at: z.iso.datetime({ offset: true }),
});

export const TaskError = z.object({
  code: z.string().min(1),
  message: z.string(),
});
export type TaskError = z.infer<typeof TaskError>;

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Prompt caching (Anthropic): input written to the cache, and input read from it, beside `inputTokens`. */
  cacheCreationInputTokens: z.number().int().nonnegative().optional(),
  cacheReadInputTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

/**
 * What a call to the model needs: the part of a task the executor reads. The simple five, then every other
 * field of a Messages API request, optional (`RequestOptions`). `temperature` goes to 2 for OpenAI-compatible
 * providers; the gateway holds Anthropic's calls to its 0–1.
 */
export const ModelInput = z.object({
  prompt: z.string(),
  system: z.union([z.string(), z.array(TextBlock).min(1)]).nullable(),
  model: z.string().min(1),
  maxTokens: z.number().int().positive(),
  temperature: z.number().min(0).max(2).nullable(),
  ...RequestOptions.shape,
});
export type ModelInput = z.infer<typeof ModelInput>;

/**
 * Which work a model lane admits first: higher first, with aging, so `low` is never starved for ever. Events
 * written before priorities existed decode as `normal`.
 */
export const PRIORITIES = ["low", "normal", "high"] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

/** Everything a client decided when it created a task, shared by TaskSubmitted and TaskChained. */
export const TaskSpec = ModelInput.extend({
  runAt: z.iso.datetime({ offset: true }).nullable(),
  maxAttempts: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
  tenant: z.string().min(1),
  idempotencyKey: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  priority: Priority.default("normal"),
  /** Where to announce this task's events (Standard Webhooks); absent in older events and when not asked. */
  webhook: TaskWebhook.optional(),
  /** Set on a schedule's firing: the schedule, and the tick it fired for (absent in other and older events). */
  scheduleId: z.uuid().optional(),
  scheduledFor: z.iso.datetime({ offset: true }).optional(),
});
export type TaskSpec = z.infer<typeof TaskSpec>;

/**
 * Who issued a command: the id of the API key it came with. Absent with auth off, for a cascade the scheduler
 * decided, and in events written before keys existed (so older streams still decode).
 */
const issuedBy = z.string().min(1).optional();

export const TaskSubmitted = Base.extend({ type: z.literal("TaskSubmitted"), ...TaskSpec.shape, issuedBy });
/** What a fan-in child does when a parent failed or was cancelled: follow it, or run on the others' output. */
export const ON_PARENT_FAILURE = ["cascade", "continue"] as const;
export const OnParentFailure = z.enum(ON_PARENT_FAILURE);
export type OnParentFailure = z.infer<typeof OnParentFailure>;

export const TaskChained = Base.extend({
  type: z.literal("TaskChained"),
  ...TaskSpec.shape,
  /** The first parent: all a chain had before fan-in, so older readers still find one. */
  parentId: z.uuid(),
  /** Every parent in the order given, `parentId` first; absent in a single-parent chain. */
  parentIds: z.array(z.uuid()).min(1).optional(),
  onParentFailure: OnParentFailure.optional(),
  /** 1 + the deepest parent's depth; absent in older events (then taken as 1). */
  depth: z.number().int().positive().optional(),
  issuedBy,
});
export const TaskCancelled = Base.extend({
  type: z.literal("TaskCancelled"),
  reason: z.string(),
  issuedBy,
});
export const TaskRetryRequested = Base.extend({
  type: z.literal("TaskRetryRequested"),
  /** The queue generation the retry opens; attempts are counted on from the last one. */
  gen: z.number().int().positive(),
  issuedBy,
});
export const TaskScheduled = Base.extend({
  type: z.literal("TaskScheduled"),
  runAt: z.iso.datetime({ offset: true }),
});
export const TaskAwaitingParent = Base.extend({
  type: z.literal("TaskAwaitingParent"),
  parentId: z.uuid(),
});
export const TaskQueued = Base.extend({
  type: z.literal("TaskQueued"),
  gen: z.number().int().positive(),
  input: ModelInput,
  maxAttempts: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
  /** Attempts used by earlier generations, so numbering continues after a manual retry. */
  attemptsBefore: z.number().int().nonnegative(),
  /** Whose work it is and how urgent: what the executors' admission orders by (older events: defaults). */
  tenant: z.string().min(1).default("default"),
  priority: Priority.default("normal"),
});
/**
 * Why a queued task is not running yet although an executor holds it: its model lane is paused after a 429
 * (`rate_limited`, until the provider's reset), out of requests or tokens for now (`lane_budget`), at its
 * concurrent-call limit (`lane_concurrency`), its tenant at its own cap (`tenant_concurrency`), or the tenant
 * over its spend limit (`spend_limit`, held until the limit is raised or the period turns).
 */
export const WAIT_REASONS = [
  "rate_limited",
  "lane_budget",
  "lane_concurrency",
  "tenant_concurrency",
  "spend_limit",
] as const;
export const WaitReason = z.enum(WAIT_REASONS);
export type WaitReason = z.infer<typeof WaitReason>;

/** A queued task waits for its lane: it burns no attempt, and the reason shows in its resource. */
export const TaskWaiting = Base.extend({
  type: z.literal("TaskWaiting"),
  gen: z.number().int().positive(),
  reason: WaitReason,
  /** The lane it waits in: `<provider>/<model>`. */
  lane: z.string().min(1),
  /** When the wait is expected to end, when known (a 429's reset). */
  until: z.iso.datetime({ offset: true }).nullable(),
});
/**
 * Which delivery of the TaskQueued message this try was (the work consumer's delivery sequence): every try,
 * counted or not, has its own, so their message ids differ. An identifier, not a count: it grows, with gaps.
 */
const delivery = z.number().int().positive();

export const TaskStarted = Base.extend({
  type: z.literal("TaskStarted"),
  gen: z.number().int().positive(),
  attempt: z.number().int().positive(),
  delivery,
  executorId: z.string(),
  /** The model this attempt calls: the task's, or a fallback after it was overloaded or unavailable. */
  model: z.string().optional(),
});
export const TaskAttemptFailed = Base.extend({
  type: z.literal("TaskAttemptFailed"),
  gen: z.number().int().positive(),
  attempt: z.number().int().positive(),
  delivery,
  error: TaskError,
  retryable: z.boolean(),
  /** False for a wait the provider imposed (a rate limit): the next try keeps the same attempt number. */
  countsAsAttempt: z.boolean(),
  retryAt: z.iso.datetime({ offset: true }).nullable(),
  /** What the attempt produced before it stopped (a cancelled call keeps its partial output). */
  output: z.string().nullable(),
  usage: Usage.nullable(),
  /** What the attempt cost by the price table (its usage priced; absent when it used nothing known). */
  costUsd: z.number().nonnegative().optional(),
  /** The model this attempt called, and the attempt of this generation that model began with. */
  model: z.string().optional(),
  modelSince: z.number().int().positive().optional(),
  /** Set when the model is given up (overloaded or unavailable after its retries): the next try calls this one. */
  nextModel: z.string().optional(),
});
export const TaskCompleted = Base.extend({
  type: z.literal("TaskCompleted"),
  gen: z.number().int().positive(),
  attempt: z.number().int().positive(),
  /** The final text (its text blocks joined); empty when `outputRef` holds the reply. */
  output: z.string(),
  /** Every block of the reply — text, thinking, tool calls — when it had more than one text block. */
  content: z.array(OutputBlock).optional(),
  model: z.string(),
  stopReason: z.string().nullable(),
  usage: Usage,
  durationMs: z.number().nonnegative(),
  /** The attempt's cost by the price table. */
  costUsd: z.number().nonnegative().optional(),
  /** Completed from the result cache: no call was made; `cachedFrom` is the task whose reply it reuses. */
  cached: z.boolean().optional(),
  cachedFrom: z.uuid().optional(),
  /** Claim check: the reply (`{output, content}`) was too large for an event and is in the object store. */
  outputRef: BodyRef.optional(),
});
export const TaskFailed = Base.extend({
  type: z.literal("TaskFailed"),
  gen: z.number().int().positive(),
  attempts: z.number().int().nonnegative(),
  error: TaskError,
});

export const TaskEvent = z.discriminatedUnion("type", [
  TaskSubmitted,
  TaskChained,
  TaskCancelled,
  TaskRetryRequested,
  TaskScheduled,
  TaskAwaitingParent,
  TaskQueued,
  TaskWaiting,
  TaskStarted,
  TaskAttemptFailed,
  TaskCompleted,
  TaskFailed,
]);
export type TaskEvent = z.infer<typeof TaskEvent>;
export type TaskEventType = TaskEvent["type"];
export type EventOf<T extends TaskEventType> = Extract<TaskEvent, { type: T }>;

export const EVENT_TYPES = TaskEvent.options.map((o) => o.shape.type.value) as readonly TaskEventType[];

/** `TaskAttemptFailed` → `attempt-failed`: the token an event has in its subject. */
export function eventKind(type: TaskEventType): string {
  return type
    .replace(/^Task/, "")
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase();
}
