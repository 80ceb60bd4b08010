import type { OutputBlock, Usage } from "@taskjet/events";
import type OpenAI from "openai";
import type { DeltaPart } from "../output-publisher.ts";
import { ProviderError } from "./provider.ts";

type Piece = { text: string; part: DeltaPart };
type Call = { block: number; id: string; name: string; arguments: string };

/**
 * A streamed chat completion folded into Anthropic-shaped blocks: the text is a block, each tool call another,
 * numbered in the order they begin (the delta's `block`). Pure: it is given the chunks' deltas and says what
 * each adds.
 */
export function openAiReply() {
  let blocks = 0;
  let text: { block: number; text: string } | null = null;
  const calls = new Map<number, Call>();
  return {
    /** The live pieces one chunk's delta adds. */
    add(delta: OpenAI.ChatCompletionChunk.Choice.Delta | undefined): Piece[] {
      const pieces: Piece[] = [];
      if (delta?.content) {
        text ??= { block: blocks++, text: "" };
        text.text += delta.content;
        pieces.push({ text: delta.content, part: { kind: "text", block: text.block } });
      }
      for (const d of delta?.tool_calls ?? []) {
        let call = calls.get(d.index);
        if (!call) {
          call = { block: blocks++, id: "", name: "", arguments: "" };
          calls.set(d.index, call);
        }
        call.id ||= d.id ?? "";
        call.name += d.function?.name ?? "";
        const args = d.function?.arguments ?? "";
        call.arguments += args;
        if (args) pieces.push({ text: args, part: { kind: "tool_input", block: call.block } });
      }
      return pieces;
    },
    /** The text so far: what a failed call had produced. */
    text: () => text?.text ?? "",
    /** Every block, in order. Throws when a tool call's arguments are not a JSON object. */
    content(): OutputBlock[] {
      const out: { block: number; b: OutputBlock }[] = [...calls.values()].map((c) => ({
        block: c.block,
        b: toolUse(c),
      }));
      if (text) out.push({ block: text.block, b: { type: "text", text: text.text } });
      return out.sort((x, y) => x.block - y.block).map((x) => x.b);
    },
  };
}

function toolUse(c: Call): OutputBlock {
  let input: unknown;
  try {
    input = JSON.parse(c.arguments || "{}");
  } catch {
    input = null;
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    // The model wrote a broken call: a server-side failure, so it is retried like one.
    const message = `tool call ${c.id} (${c.name}): its arguments are not a JSON object`;
    throw new ProviderError(message, { kind: "http", status: 502, type: "api_error" });
  }
  return { type: "tool_use", id: c.id, name: c.name, input: input as Record<string, unknown> };
}

const STOP_REASONS: Record<string, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

/** A finish reason in Anthropic's words, so a task's `stopReason` means one thing whoever served it. */
export const fromOpenAiStopReason = (reason: string | null): string | null =>
  reason === null ? null : (STOP_REASONS[reason] ?? reason);

/**
 * A completion's usage in the task's terms. OpenAI's `prompt_tokens` include the prompt tokens read from its cache
 * (`prompt_tokens_details.cached_tokens`), Anthropic's `input_tokens` do not: the cached ones are taken out of
 * `inputTokens` and reported as `cacheReadInputTokens`, so the price table prices each token once, at its rate.
 * A server that does not say (vLLM, llama.cpp) reports no cache, as Anthropic's API does on a call without one.
 */
export function fromOpenAiUsage(u: OpenAI.CompletionUsage): Usage {
  const cached = u.prompt_tokens_details?.cached_tokens;
  if (typeof cached !== "number") return { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens };
  const read = Math.min(cached, u.prompt_tokens);
  return { inputTokens: u.prompt_tokens - read, outputTokens: u.completion_tokens, cacheReadInputTokens: read };
}
