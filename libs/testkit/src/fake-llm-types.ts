import type { IncomingMessage } from "node:http";
import type { LimitDimension } from "./fake-limits.ts";

// What the fake LLM server is asked and what it answers, shared by the server (fake-llm.ts) and the two APIs'
// wire formats (fake-llm-wire.ts).

/** A block a scripted reply answers with, in the API's words (Anthropic's; chat completions leaves thinking out). */
export type FakeBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** What the fake LLM server does with one request, whichever API it came through. */
export type Reply =
  | {
      kind: "message";
      text: string;
      /**
       * The blocks to answer with instead of `text`, streamed as each API does: Anthropic a content block each
       * (thinking deltas then its signature, a tool call's input as partial JSON, text deltas); OpenAI text
       * and `tool_calls` deltas with the arguments in pieces.
       */
      content?: FakeBlock[];
      inputTokens?: number;
      /**
       * Prompt-cache usage the reply reports: Anthropic's `cache_creation_input_tokens`, `cache_read_input_tokens`;
       * chat completions' `prompt_tokens_details.cached_tokens` (the reads), both counted in its `prompt_tokens`.
       */
      cache?: { creationInputTokens: number; readInputTokens: number };
      /** Pieces each block is streamed in (default 4). */
      pieces?: number;
      pieceDelayMs?: number;
      /** Default: `tool_use` when the content calls a tool, else `end_turn` (each in the chat-completions word). */
      stopReason?: string;
    }
  | { kind: "error"; status: number; type: string; message: string; headers?: Record<string, string> }
  /** Streams `text` in pieces, then drops the connection without finishing the message. */
  | { kind: "drop"; text: string; pieces?: number }
  /** Streams `text`, then sends an SSE `error` event (as the API does when it overloads mid-stream). */
  | { kind: "sse-error"; text: string; type: string; message: string }
  /** Never answers. */
  | { kind: "hang" };

/** A content block as a request carries it: Anthropic's blocks, or chat-completions content parts. */
export type WireBlock = { type: string; text?: string; content?: unknown; [key: string]: unknown };

/** A message as either API carries it (chat completions adds `system` and `tool` roles and `tool_calls`). */
export type WireMessage = {
  role: string;
  content: string | WireBlock[] | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
};

export type SeenRequest = {
  /** `anthropic`: POST /v1/messages; `openai`: POST /v1/chat/completions. */
  api: "anthropic" | "openai";
  /** The request body as sent; the fields past the simple ones are each API's own. */
  body: {
    model: string;
    max_tokens: number;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    system?: string | WireBlock[];
    temperature?: number;
    top_p?: number;
    top_k?: number;
    messages: WireMessage[];
    tools?: Record<string, unknown>[];
    tool_choice?: unknown;
    parallel_tool_calls?: boolean;
    stop_sequences?: string[];
    stop?: string[];
    thinking?: { type: string; budget_tokens?: number };
    metadata?: { user_id?: string };
    user?: string;
    service_tier?: string;
    output_config?: { format?: { type: string; schema: Record<string, unknown> } };
    response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } };
  };
  headers: IncomingMessage["headers"];
  /** The prompt: the text of the last user turn (its text blocks, its tool results). */
  prompt: string;
  /** True once the client closed the connection before the reply ended (an aborted call). */
  closedByClient: boolean;
  closedAt: number | null;
  /** Pieces of the reply's text written so far: how far a streamed reply got. */
  piecesSent: number;
  /** When it arrived (ms since the epoch, the fake's clock). */
  at: number;
  /** The HTTP status it was answered with (200, 429, …); 0 while no answer has started. */
  status: number;
  /**
   * Its input tokens: what the reply reported, else the fake's count of the request (`countTokens`; by default a
   * quarter of the characters of system and messages, rounded up) — what a limited fake charges its input bucket.
   */
  inputTokens: number;
  /** Output tokens the reply reported; 0 when it reported none (an error, a 429, a dropped stream). */
  outputTokens: number;
  /** Why it was answered 429 by the fake's own limits: the bucket that ran short, or `forced`. */
  limitedBy: LimitDimension | "forced" | null;
};
