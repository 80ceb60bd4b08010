import { type ContentBlock, conversationOf, type Message, type ModelInput, type ToolChoice } from "@taskjet/events";
import type OpenAI from "openai";
import { ProviderError } from "./provider.ts";

type Params = Omit<OpenAI.ChatCompletionCreateParamsStreaming, "stream" | "stream_options">;
type ChatMessage = OpenAI.ChatCompletionMessageParam;
type UserPart = OpenAI.ChatCompletionContentPart;

/**
 * A task's input as a chat-completions request. What the API has no field for is not sent: `topK`, `serviceTier`,
 * `cacheControl` and thinking (its blocks in the conversation are dropped too). A block it cannot carry at all
 * (a PDF, an image inside a tool result) is refused: a 400 naming it, rather than a model answering without it.
 */
export function toOpenAiParams(req: ModelInput): Params {
  const system = req.system === null ? [] : [{ role: "system" as const, content: systemText(req.system) }];
  const parallel = req.toolChoice && "disableParallelToolUse" in req.toolChoice ? req.toolChoice : undefined;
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    messages: [...system, ...conversationOf(req).flatMap(toMessages)],
    temperature: req.temperature ?? undefined,
    tools: req.tools?.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    })),
    tool_choice: req.toolChoice && toToolChoice(req.toolChoice),
    parallel_tool_calls: parallel?.disableParallelToolUse === undefined ? undefined : !parallel.disableParallelToolUse,
    stop: req.stopSequences,
    top_p: req.topP,
    user: req.userId,
    response_format:
      req.outputSchema === undefined
        ? undefined
        : { type: "json_schema", json_schema: { name: "output", schema: req.outputSchema } },
  };
}

const systemText = (system: string | { text: string }[]) =>
  typeof system === "string" ? system : system.map((b) => b.text).join("\n");

function toMessages(m: Message, i: number): ChatMessage[] {
  if (typeof m.content === "string") return [{ role: m.role, content: m.content }];
  const blocks = m.content.map((b, j) => ({ b, at: `messages[${i}].content[${j}]` }));
  if (m.role === "assistant") {
    const text = blocks.map(({ b, at }) => assistantText(b, at)).join("");
    const calls = blocks.flatMap(({ b }) => (b.type === "tool_use" ? [toToolCall(b)] : []));
    return [{ role: "assistant", content: text === "" ? null : text, ...(calls.length ? { tool_calls: calls } : {}) }];
  }
  // A tool's answer is a message of its own, right after the assistant's call: results first, then the rest.
  const results = blocks.flatMap(({ b, at }) => (b.type === "tool_result" ? [toToolMessage(b, at)] : []));
  const parts = blocks.flatMap(({ b, at }) => userPart(b, at));
  return [...results, ...(parts.length ? [{ role: "user" as const, content: parts }] : [])];
}

function assistantText(b: ContentBlock, at: string): string {
  if (b.type === "text") return b.text;
  if (b.type === "tool_use" || b.type === "thinking" || b.type === "redacted_thinking") return "";
  throw refused(at, `an assistant turn's ${b.type} block`);
}

const toToolCall = (b: Extract<ContentBlock, { type: "tool_use" }>): OpenAI.ChatCompletionMessageFunctionToolCall => ({
  id: b.id,
  type: "function",
  function: { name: b.name, arguments: JSON.stringify(b.input) },
});

function toToolMessage(b: Extract<ContentBlock, { type: "tool_result" }>, at: string): ChatMessage {
  const content = b.content ?? "";
  const text =
    typeof content === "string"
      ? content
      : content
          .map((c, k) => {
            if (c.type === "text") return c.text;
            throw refused(`${at}.content[${k}]`, "an image in a tool result");
          })
          .join("");
  // The API has no error flag on a tool's answer: the model is told in the text.
  return { role: "tool", tool_call_id: b.toolUseId, content: b.isError ? `Error: ${text}` : text };
}

function userPart(b: ContentBlock, at: string): UserPart[] {
  switch (b.type) {
    case "text":
      return [{ type: "text", text: b.text }];
    case "image": {
      const s = b.source;
      const url = s.type === "url" ? s.url : `data:${s.mediaType};base64,${s.data}`;
      return [{ type: "image_url", image_url: { url } }];
    }
    case "document":
      if (b.source.type !== "text") throw refused(at, `a document (${b.source.type === "url" ? "url" : "pdf"})`);
      return [{ type: "text", text: b.title === undefined ? b.source.data : `${b.title}\n\n${b.source.data}` }];
    case "tool_result":
    case "thinking":
    case "redacted_thinking":
      return [];
    case "tool_use":
      throw refused(at, "a user turn's tool_use block");
    default:
      return b satisfies never;
  }
}

function toToolChoice(c: ToolChoice): OpenAI.ChatCompletionToolChoiceOption {
  switch (c.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: c.name } };
    default:
      return c satisfies never;
  }
}

const refused = (at: string, what: string) =>
  new ProviderError(`${at}: ${what} cannot be sent to an OpenAI-compatible provider`, {
    kind: "http",
    status: 400,
    type: "invalid_request_error",
  });
