import {
  isStorableDate,
  isStorableText,
  LIMITS,
  metadataProblem,
  OnParentFailure,
  OutputBlock,
  Priority,
  ProviderName,
  RequestOptions,
  TASK_STATUSES,
  TaskError,
  TaskState,
  TaskWebhook,
  TextBlock,
  Usage,
  unstorableTextAt,
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

const option = RequestOptions.shape;

/**
 * What a client may send to create a task: `prompt` (one user message) or `messages` (a conversation), and every
 * other field of a Messages API request. Limits that depend on configuration or on the provider are checked in
 * the route (`request-rules.ts`).
 */
export const CreateTaskBody = z
  .strictObject({
    prompt: storableText().min(1, "must not be empty").optional().meta({
      description: "the shorthand for one user message; give it or `messages`",
    }),
    messages: option.messages
      .unwrap()
      .optional()
      .meta({
        description:
          "the conversation (Claude's Messages API, camelCase): user and assistant turns, a final assistant turn " +
          "as prefill, content as text or blocks (text, image, document, tool_use, tool_result, thinking)",
      }),
    system: z
      .union([storableText(), z.array(TextBlock).min(1)])
      .optional()
      .meta({
        description: "text, or text blocks (which may carry cacheControl)",
      }),
    model: storableText().min(1).max(200).optional(),
    maxTokens: z.number().int().min(1).max(200_000).optional(),
    temperature: z.number().min(0).max(2).optional().meta({
      description: "0–1 for Anthropic (and fake), 0–2 for an OpenAI-compatible provider",
    }),
    topP: option.topP,
    topK: option.topK,
    stopSequences: option.stopSequences,
    tools: option.tools.meta({ description: "tools the model may call: name, description, inputSchema" }),
    toolChoice: option.toolChoice,
    thinking: option.thinking.meta({
      description: "extended thinking: {type:'enabled', budgetTokens ≥ 1024 and < maxTokens}, adaptive, or disabled",
    }),
    serviceTier: option.serviceTier,
    outputSchema: option.outputSchema.meta({
      description:
        "structured output: a JSON Schema the final text must satisfy; a reply that does not is a failed attempt " +
        "(output_invalid), retried by policy; a refusal fails the task at once (refused)",
    }),
    provider: ProviderName.optional().meta({ description: "who serves it (default: the configured provider)" }),
    fallbackModels: option.fallbackModels.meta({
      description: "tried in turn when the model is overloaded or unavailable after its retries",
    }),
    cache: option.cache.meta({
      description:
        "opt-in result cache (needs temperature 0): an identical request within ttlSeconds completes from " +
        "the cache, with no call and no cost",
    }),
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
    webhook: TaskWebhook.optional().meta({
      description:
        "a receiver for this task's events (Standard Webhooks, signed with the tenant's task-webhook secret from " +
        "POST /webhooks/task-secret): `url` (http or https, refused when it resolves to a private address unless " +
        "allowed by WEBHOOK_ALLOWED_HOSTS) and `events` (default task.completed, task.failed, task.cancelled)",
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
  .refine((b) => (b.prompt === undefined) !== (b.messages === undefined), {
    message: "give prompt or messages, exactly one",
    path: ["prompt"],
  })
  .check((ctx) => {
    // Postgres stores every string of a task: a NUL or a lone surrogate anywhere would poison the read model.
    const at = unstorableTextAt({ messages: ctx.value.messages, tools: ctx.value.tools, system: ctx.value.system });
    if (at !== null) {
      ctx.issues.push({
        code: "custom",
        message: "must not contain a NUL character or a lone surrogate",
        input: ctx.value,
        path: at,
      });
    }
  })
  .meta({
    examples: [
      { prompt: "Summarise the plot of Hamlet in one sentence.", maxTokens: 200 },
      {
        messages: [
          { role: "user", content: "What is the weather in Paris?" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } }],
          },
          { role: "user", content: [{ type: "tool_result", toolUseId: "toolu_01", content: "18 °C, clear" }] },
        ],
        tools: [
          {
            name: "get_weather",
            description: "The current weather in a city",
            inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        ],
        maxTokens: 512,
      },
      {
        prompt: "Extract the name and age: 'Ada, 36'",
        outputSchema: {
          type: "object",
          properties: { name: { type: "string" }, age: { type: "integer" } },
          required: ["name", "age"],
        },
        temperature: 0,
        cache: { ttlSeconds: 3600 },
      },
      {
        prompt: "Prove that there are infinitely many primes.",
        maxTokens: 4096,
        thinking: { type: "enabled", budgetTokens: 2048 },
      },
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "url", url: "https://example.com/receipts/2026-11-26.jpg" } },
              { type: "text", text: "What is the total on this receipt?" },
            ],
          },
        ],
        maxTokens: 200,
      },
      {
        prompt: "Classify this support ticket as billing, bug or other: 'I was charged twice.'",
        provider: "openai",
        model: "gpt-4.1-mini",
        fallbackModels: ["gpt-4o-mini"],
        maxTokens: 20,
      },
      {
        system: [
          {
            type: "text",
            text: "You answer for Acme's support. The policy manual: …",
            cacheControl: { type: "ephemeral" },
          },
        ],
        prompt: "Can I return an opened item?",
        maxTokens: 400,
      },
    ],
  });
export type CreateTaskBody = z.infer<typeof CreateTaskBody>;

/** POST /tasks: a task of its own, or a fan-in that runs once all of `parentIds` have finished. */
export const SubmitTaskBody = CreateTaskBody.safeExtend({
  parentIds: z
    .array(z.uuid())
    .min(1)
    .optional()
    .meta({
      description:
        "tasks this one runs on once all have finished (at most FANIN_MAX_PARENTS, default 100, each once): " +
        "`{{parents.<n>.output}}` in the prompt is parent n's output (0-based), `{{parents.output}}` all of them " +
        "joined by a blank line (appended after a blank line when no token is present)",
    }),
  onParentFailure: OnParentFailure.optional().meta({
    description:
      "with parentIds: when a parent fails or is cancelled, `cascade` (default) cancels this task; `continue` " +
      "runs it on the parents that completed (a missing output renders empty), cancelling it only if none did",
  }),
}).meta({ examples: CreateTaskBody.meta()?.examples }); // extending a schema drops its meta
export type SubmitTaskBody = z.infer<typeof SubmitTaskBody>;

export const TaskResource = z
  .object({
    id: z.uuid(),
    status: z.enum(TASK_STATUSES),
    prompt: z.string().meta({ description: "the prompt; empty when the task gave `messages`" }),
    system: TaskState.shape.system,
    model: z.string(),
    maxTokens: z.number().int(),
    temperature: z.number().nullable(),
    ...RequestOptions.omit({ inputRef: true }).shape,
    runAt: z.string().nullable(),
    parentId: z.uuid().nullable().meta({ description: "the first of `parentIds`: the task it was chained onto" }),
    parentIds: z.array(z.uuid()).meta({ description: "every task it runs on, in order; empty for none" }),
    onParentFailure: OnParentFailure,
    scheduleId: z
      .uuid()
      .nullable()
      .meta({ description: "the schedule that fired it (see /schedules); null otherwise" }),
    scheduledFor: z.string().nullable().meta({ description: "the schedule's tick it was fired for" }),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    timeoutSeconds: z.number(),
    output: z.string().nullable().meta({ description: "the final text: the reply's text blocks, joined" }),
    content: z.array(OutputBlock).nullable().meta({
      description:
        "every block of the reply in order — text, thinking, tool_use — ready to send back as an assistant turn",
    }),
    error: TaskError.nullable(),
    usage: Usage.nullable(),
    costUsd: z.number().meta({ description: "what its attempts cost together, by the price table (USD)" }),
    cached: z.boolean().meta({ description: "completed from the result cache, without a call" }),
    stopReason: z
      .string()
      .nullable()
      .meta({ description: "why the model stopped: end_turn, max_tokens (the output was cut short), stop_sequence…" }),
    cancelReason: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    priority: Priority,
    webhook: TaskWebhook.nullable().meta({ description: "the task's own webhook, if it has one" }),
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
  .meta({
    id: "Task",
    example: {
      id: "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21",
      status: "completed",
      prompt: "",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [
        {
          name: "get_weather",
          inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ],
      system: null,
      model: "claude-sonnet-4-6",
      maxTokens: 1024,
      temperature: null,
      runAt: null,
      parentId: null,
      parentIds: [],
      onParentFailure: "cascade",
      scheduleId: null,
      scheduledFor: null,
      attempts: 1,
      maxAttempts: 3,
      timeoutSeconds: 600,
      output: "Let me look that up.",
      content: [
        { type: "text", text: "Let me look that up." },
        { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { city: "Paris" } },
      ],
      error: null,
      usage: { inputTokens: 412, outputTokens: 58, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      costUsd: 0.002106,
      cached: false,
      stopReason: "tool_use",
      cancelReason: null,
      metadata: {},
      priority: "normal",
      webhook: null,
      waiting: null,
      createdAt: "2026-11-26T10:00:00.000Z",
      updatedAt: "2026-11-26T10:00:01.200Z",
      startedAt: "2026-11-26T10:00:00.050Z",
      finishedAt: "2026-11-26T10:00:01.200Z",
      quarantinedSeq: null,
    },
  });
export type TaskResource = z.infer<typeof TaskResource>;

/**
 * A second task for the OpenAPI document, beside the schema's own `example` (OpenAPI 3.0 gives a schema one):
 * a reply cut short at `maxTokens`, its `stopReason` saying so. `GET /tasks/{id}` lists both (openapi.ts).
 */
const TRUNCATED_OUTPUT =
  "Around 1440 in Mainz, Johannes Gutenberg combined a screw press, oil-based ink and movable metal type";
export const TRUNCATED_TASK_EXAMPLE: TaskResource = {
  id: "2f7c9e41-6b0a-4d3e-8c15-9a4e7b2d1f60",
  status: "completed",
  prompt: "Write the history of the printing press.",
  system: null,
  model: "claude-haiku-4-5",
  maxTokens: 64,
  temperature: null,
  runAt: null,
  parentId: null,
  parentIds: [],
  onParentFailure: "cascade",
  scheduleId: null,
  scheduledFor: null,
  attempts: 1,
  maxAttempts: 3,
  timeoutSeconds: 600,
  output: TRUNCATED_OUTPUT,
  content: [{ type: "text", text: TRUNCATED_OUTPUT }],
  error: null,
  usage: { inputTokens: 16, outputTokens: 64 },
  costUsd: 0.000336,
  cached: false,
  stopReason: "max_tokens",
  cancelReason: null,
  metadata: {},
  priority: "normal",
  webhook: null,
  waiting: null,
  createdAt: "2026-11-26T10:05:00.000Z",
  updatedAt: "2026-11-26T10:05:01.900Z",
  startedAt: "2026-11-26T10:05:00.040Z",
  finishedAt: "2026-11-26T10:05:01.900Z",
  quarantinedSeq: null,
};

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
  scheduleId: z.uuid().optional().meta({ description: "the tasks a schedule fired" }),
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
