import Anthropic from "@anthropic-ai/sdk";
import { type DeltaKind, textOf, type Usage } from "@taskjet/events";
import { anthropicBatches } from "./anthropic-batches.ts";
import { anthropicCacheUsage, fromAnthropicContent, toAnthropicParams } from "./anthropic-request.ts";
import { type GenerateRequest, type GenerateResult, type LlmProvider, rateLimitHeaders } from "./provider.ts";
import { toProviderError } from "./sdk-errors.ts";

/**
 * Claude through the official SDK, streaming. The SDK's own retries are off: a retry here is a JetStream
 * redelivery and a TaskAttemptFailed event, visible in the task's history.
 */
export function anthropicProvider(opts: { apiKey?: string; baseURL?: string }): LlmProvider {
  const client = new Anthropic({
    apiKey: opts.apiKey ?? "not-set",
    baseURL: opts.baseURL ?? null,
    maxRetries: 0,
    timeout: 24 * 3600 * 1000, // the task's own timeout aborts the call
  });
  return {
    name: "anthropic",
    batches: anthropicBatches(client, Anthropic),
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      let text = "";
      let usage: Usage = { inputTokens: 0, outputTokens: 0 };
      try {
        const stream = client.messages.stream(toAnthropicParams(req), { signal: req.signal });
        stream.on("streamEvent", (event) => {
          if (event.type === "message_start") {
            const u = event.message.usage;
            usage = { inputTokens: u.input_tokens, outputTokens: u.output_tokens, ...anthropicCacheUsage(u) };
          } else if (event.type === "message_delta") {
            usage = { ...usage, outputTokens: event.usage.output_tokens };
          } else if (event.type === "content_block_delta") {
            const piece = deltaPiece(event.delta);
            if (piece === null) return;
            if (piece.kind === "text") text += piece.text;
            req.onDelta(piece.text, { kind: piece.kind, block: event.index });
          }
        });
        const final = await stream.finalMessage();
        const content = fromAnthropicContent(final.content);
        return {
          output: textOf(content),
          content,
          model: final.model,
          stopReason: final.stop_reason,
          usage: {
            inputTokens: final.usage.input_tokens,
            outputTokens: final.usage.output_tokens,
            ...anthropicCacheUsage(final.usage),
          },
          // The raw response's: its rate-limit headers teach the lane its limits and what remains.
          headers: rateLimitHeaders(stream.response?.headers),
        };
      } catch (err) {
        throw toProviderError(err, Anthropic, req.signal, { output: text, usage });
      }
    },
  };
}

/** What a streamed delta adds, and to which kind of block: signatures and citations are not live output. */
function deltaPiece(delta: Anthropic.RawContentBlockDelta): { kind: DeltaKind; text: string } | null {
  switch (delta.type) {
    case "text_delta":
      return { kind: "text", text: delta.text };
    case "thinking_delta":
      return { kind: "thinking", text: delta.thinking };
    case "input_json_delta":
      return { kind: "tool_input", text: delta.partial_json };
    default:
      return null;
  }
}
