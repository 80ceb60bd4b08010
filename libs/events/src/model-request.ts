import { z } from "zod";

/**
 * What a task may say to the model beyond a prompt: Claude's Messages API request, field for field, in the
 * task resource's camelCase (`cacheControl`, `toolUseId`, `mediaType`, `budgetTokens`). Blocks a task answers
 * with (`OutputBlock`) are valid request blocks too, so a reply's `content` can be sent back as the assistant
 * turn of the next task. Strict objects: an unknown key is a 400 naming it, never dropped in silence.
 */

/** Prompt caching: this block and everything before it is a cache prefix. */
export const CacheControl = z.strictObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const cacheControl = CacheControl.optional();

export const TextBlock = z.strictObject({ type: z.literal("text"), text: z.string(), cacheControl });
export type TextBlock = z.infer<typeof TextBlock>;

const UrlSource = z.strictObject({ type: z.literal("url"), url: z.url({ protocol: /^https?$/ }) });
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
const base64 = () => z.base64({ error: "must be base64" });

export const ImageBlock = z.strictObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("base64"), mediaType: z.enum(IMAGE_TYPES), data: base64() }),
    UrlSource,
  ]),
  cacheControl,
});

export const DocumentBlock = z.strictObject({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("base64"), mediaType: z.literal("application/pdf"), data: base64() }),
    z.strictObject({ type: z.literal("text"), mediaType: z.literal("text/plain"), data: z.string() }),
    UrlSource,
  ]),
  title: z.string().optional(),
  context: z.string().optional(),
  citations: z.strictObject({ enabled: z.boolean() }).optional(),
  cacheControl,
});

export const ToolUseBlock = z.strictObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cacheControl,
});

export const ToolResultBlock = z.strictObject({
  type: z.literal("tool_result"),
  toolUseId: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock]))]).optional(),
  isError: z.boolean().optional(),
  cacheControl,
});

export const ThinkingBlock = z.strictObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string(),
});
export const RedactedThinkingBlock = z.strictObject({ type: z.literal("redacted_thinking"), data: z.string() });

export const ContentBlock = z.discriminatedUnion("type", [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
]);
export type ContentBlock = z.infer<typeof ContentBlock>;

export const Message = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(ContentBlock).min(1)]),
});
export type Message = z.infer<typeof Message>;

export const Tool = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, "1 to 128 letters, digits, _ or -"),
  description: z.string().optional(),
  /** A JSON Schema of the tool's input: an object. */
  inputSchema: z.looseObject({ type: z.literal("object") }),
  cacheControl,
});
export type Tool = z.infer<typeof Tool>;

const parallel = { disableParallelToolUse: z.boolean().optional() };
export const ToolChoice = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("auto"), ...parallel }),
  z.strictObject({ type: z.literal("any"), ...parallel }),
  z.strictObject({ type: z.literal("tool"), name: z.string().min(1), ...parallel }),
  z.strictObject({ type: z.literal("none") }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

/** Extended thinking: a budget of tokens (at least 1,024, below `maxTokens`), adaptive, or off. */
export const Thinking = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("enabled"), budgetTokens: z.number().int().min(1024) }),
  z.strictObject({ type: z.literal("adaptive") }),
  z.strictObject({ type: z.literal("disabled") }),
]);
export type Thinking = z.infer<typeof Thinking>;

export const PROVIDERS = ["anthropic", "openai", "fake"] as const;
export const ProviderName = z.enum(PROVIDERS);
export type ProviderName = z.infer<typeof ProviderName>;

/**
 * Claim check: a body too large for an event, kept in the namespace's object store (`<prefix>_bodies`) under
 * `name`; the event carries this instead. `bytes` and `sha256` let a reader check what it got.
 */
export const BodyRef = z.strictObject({
  name: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().min(1),
});
export type BodyRef = z.infer<typeof BodyRef>;

/**
 * The request fields past the simple five (prompt, system, model, maxTokens, temperature), all optional, so a
 * simple task carries none of them and events written before they existed still decode.
 */
export const RequestOptions = z.object({
  /** The conversation (multi-turn, assistant prefill, blocks); when given, `prompt` is empty. */
  messages: z.array(Message).min(1).optional(),
  tools: z.array(Tool).optional(),
  toolChoice: ToolChoice.optional(),
  stopSequences: z.array(z.string().min(1)).max(16).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  thinking: Thinking.optional(),
  /** Anthropic's `metadata.user_id`: taken from the task's `metadata.userId` when it is a string. */
  userId: z.string().max(256).optional(),
  serviceTier: z.enum(["auto", "standard_only"]).optional(),
  /** Structured output: a JSON Schema the final text must satisfy (checked after the call). */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  /** Who serves the call; absent: the executor's configured provider. */
  provider: ProviderName.optional(),
  /** Models tried in turn when the model is overloaded or unavailable after its retries. */
  fallbackModels: z.array(z.string().min(1).max(200)).max(5).optional(),
  /** Opt-in result cache: an identical request within `ttlSeconds` completes from it. */
  cache: z.strictObject({ ttlSeconds: z.number().int().positive() }).optional(),
  /** Set when the input (prompt, system, messages, tools) is in the object store; those fields are then empty. */
  inputRef: BodyRef.optional(),
});
export type RequestOptions = z.infer<typeof RequestOptions>;
export const REQUEST_OPTION_KEYS = Object.keys(RequestOptions.shape) as (keyof RequestOptions)[];

/** What a task answers with, every block of it: text, thinking (and redacted thinking), tool calls. */
export const OutputBlock = z.discriminatedUnion("type", [
  TextBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
  ToolUseBlock,
]);
export type OutputBlock = z.infer<typeof OutputBlock>;

/** What a live output delta carries: answer text, thinking text, or the JSON of a tool call's input as it grows. */
export const DELTA_KINDS = ["text", "thinking", "tool_input"] as const;
export const DeltaKind = z.enum(DELTA_KINDS);
export type DeltaKind = z.infer<typeof DeltaKind>;

/** The final text of a reply: its text blocks, joined. */
export function textOf(content: readonly OutputBlock[]): string {
  return content.map((b) => (b.type === "text" ? b.text : "")).join("");
}

/** The messages a call sends: the task's conversation, or its prompt as one user message. */
export function conversationOf(input: { prompt: string; messages?: Message[] | undefined }): Message[] {
  return input.messages ?? [{ role: "user", content: input.prompt }];
}

/** The text of the last user turn: what a prompt-only view of a conversation shows (and the fake echoes). */
export function lastUserText(input: { prompt: string; messages?: Message[] | undefined }): string {
  const user = conversationOf(input).findLast((m) => m.role === "user");
  if (user === undefined) return "";
  if (typeof user.content === "string") return user.content;
  return user.content
    .map((b) => (b.type === "text" ? b.text : b.type === "tool_result" ? toolResultText(b.content) : ""))
    .filter(Boolean)
    .join("\n");
}

function toolResultText(content: z.infer<typeof ToolResultBlock>["content"]): string {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((b) => (b.type === "text" ? b.text : "")).join("");
}

/**
 * The characters a request sends (prompt, system, messages and tools as JSON): what flow control estimates its
 * input tokens from before the call (settled with the real count after).
 */
export function requestChars(input: {
  prompt: string;
  system: string | TextBlock[] | null;
  messages?: Message[] | undefined;
  tools?: Tool[] | undefined;
}): number {
  const json = (v: unknown) => (v === undefined || v === null ? 0 : JSON.stringify(v).length);
  const system = typeof input.system === "string" ? input.system.length : json(input.system);
  return input.prompt.length + system + json(input.messages) + json(input.tools);
}
