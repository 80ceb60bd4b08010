import type Anthropic from "@anthropic-ai/sdk";
import {
  type ContentBlock,
  conversationOf,
  type ModelInput,
  type OutputBlock,
  type TextBlock,
  type Thinking,
  type ToolChoice,
  textOf,
  type Usage,
} from "@taskjet/events";

/**
 * The request's body. The SDK's 1.12 types no longer list the sampling fields, which the API still takes for
 * the models that have them: a task that sets them means them, so they are sent (the SDK sends the body as given).
 */
export type AnthropicParams = Anthropic.MessageCreateParamsNonStreaming & {
  temperature?: number | undefined;
  top_p?: number | undefined;
  top_k?: number | undefined;
};

/**
 * A task's input as a Messages API request: the same fields, in the API's snake_case. Pure, so every field's
 * mapping is tested without a server; `undefined` fields are left out of the JSON the SDK sends.
 */
export function toAnthropicParams(req: ModelInput): AnthropicParams {
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    messages: conversationOf(req).map((m) => ({
      role: m.role,
      content: typeof m.content === "string" ? m.content : m.content.map(toBlock),
    })),
    system: req.system === null ? undefined : typeof req.system === "string" ? req.system : req.system.map(toText),
    temperature: req.temperature ?? undefined,
    tools: req.tools?.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
      cache_control: t.cacheControl,
    })),
    tool_choice: req.toolChoice && toToolChoice(req.toolChoice),
    stop_sequences: req.stopSequences,
    top_p: req.topP,
    top_k: req.topK,
    thinking: req.thinking && toThinking(req.thinking),
    metadata: req.userId === undefined ? undefined : { user_id: req.userId },
    service_tier: req.serviceTier,
    output_config:
      req.outputSchema === undefined ? undefined : { format: { type: "json_schema", schema: req.outputSchema } },
  };
}

function toText(b: TextBlock): Anthropic.TextBlockParam {
  return { type: "text", text: b.text, cache_control: b.cacheControl };
}

function toBlock(b: ContentBlock): Anthropic.ContentBlockParam {
  switch (b.type) {
    case "text":
      return toText(b);
    case "image":
      return toImage(b);
    case "document":
      return {
        type: "document",
        source: toDocumentSource(b.source),
        title: b.title,
        context: b.context,
        citations: b.citations,
        cache_control: b.cacheControl,
      };
    case "tool_use":
      return { type: "tool_use", id: b.id, name: b.name, input: b.input, cache_control: b.cacheControl };
    case "tool_result":
      return {
        type: "tool_result",
        tool_use_id: b.toolUseId,
        content:
          typeof b.content === "string" || b.content === undefined
            ? b.content
            : b.content.map((c) => (c.type === "text" ? toText(c) : toImage(c))),
        is_error: b.isError,
        cache_control: b.cacheControl,
      };
    case "thinking":
      return { type: "thinking", thinking: b.thinking, signature: b.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: b.data };
    default:
      return b satisfies never;
  }
}

type ImageBlock = Extract<ContentBlock, { type: "image" }>;

function toImage(b: ImageBlock): Anthropic.ImageBlockParam {
  const s = b.source;
  const source = s.type === "url" ? s : { type: s.type, media_type: s.mediaType, data: s.data };
  return { type: "image", source, cache_control: b.cacheControl };
}

function toDocumentSource(
  s: Extract<ContentBlock, { type: "document" }>["source"],
): Anthropic.DocumentBlockParam["source"] {
  if (s.type === "url") return s;
  return s.type === "text"
    ? { type: "text", media_type: s.mediaType, data: s.data }
    : { type: "base64", media_type: s.mediaType, data: s.data };
}

function toToolChoice(c: ToolChoice): Anthropic.ToolChoice {
  if (c.type === "none") return { type: "none" };
  const parallel = { disable_parallel_tool_use: c.disableParallelToolUse };
  return c.type === "tool" ? { type: "tool", name: c.name, ...parallel } : { type: c.type, ...parallel };
}

function toThinking(t: Thinking): Anthropic.ThinkingConfigParam {
  return t.type === "enabled" ? { type: "enabled", budget_tokens: t.budgetTokens } : { type: t.type };
}

/**
 * A reply's blocks in the task's camelCase: text, thinking (with its signature, so it can be sent back),
 * redacted thinking, tool calls. Blocks of server tools the request cannot ask for are left out.
 */
export function fromAnthropicContent(content: readonly Anthropic.ContentBlock[]): OutputBlock[] {
  return content.flatMap((b): OutputBlock[] => {
    switch (b.type) {
      case "text":
        return [{ type: "text", text: b.text }];
      case "thinking":
        return [{ type: "thinking", thinking: b.thinking, signature: b.signature }];
      case "redacted_thinking":
        return [{ type: "redacted_thinking", data: b.data }];
      case "tool_use":
        return [{ type: "tool_use", id: b.id, name: b.name, input: asRecord(b.input) }];
      default:
        return [];
    }
  });
}

/** A tool call's input is a JSON object by the API's contract; anything else (never seen) becomes `{}`. */
const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A whole reply (a non-streamed one, a batch's result) as a call's result: its blocks, text, stop reason, usage. */
export function fromAnthropicMessage(m: Anthropic.Message): {
  output: string;
  content: OutputBlock[];
  model: string;
  stopReason: string | null;
  usage: Usage;
} {
  const content = fromAnthropicContent(m.content);
  return {
    output: textOf(content),
    content,
    model: m.model,
    stopReason: m.stop_reason,
    usage: { inputTokens: m.usage.input_tokens, outputTokens: m.usage.output_tokens, ...anthropicCacheUsage(m.usage) },
  };
}

/** Prompt-cache tokens, when the API reports them (null on calls and models without caching). */
export function anthropicCacheUsage(u: Anthropic.Usage): {
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
} {
  return {
    ...(typeof u.cache_creation_input_tokens === "number"
      ? { cacheCreationInputTokens: u.cache_creation_input_tokens }
      : {}),
    ...(typeof u.cache_read_input_tokens === "number" ? { cacheReadInputTokens: u.cache_read_input_tokens } : {}),
  };
}
