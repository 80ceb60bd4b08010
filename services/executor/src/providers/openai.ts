import type { Usage } from "@taskjet/events";
import OpenAI from "openai";
import { fromOpenAiStopReason, fromOpenAiUsage, openAiReply } from "./openai-reply.ts";
import { toOpenAiParams } from "./openai-request.ts";
import type { GenerateRequest, GenerateResult, LlmProvider } from "./provider.ts";
import { toProviderError } from "./sdk-errors.ts";

/**
 * Any OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama, OpenAI itself), streaming. As with
 * Anthropic, the SDK's own retries are off: retries are JetStream redeliveries.
 */
export function openaiProvider(opts: { apiKey?: string; baseURL?: string }): LlmProvider {
  const client = new OpenAI({
    apiKey: opts.apiKey ?? "not-set",
    baseURL: opts.baseURL ?? null,
    maxRetries: 0,
    timeout: 24 * 3600 * 1000,
  });
  return {
    name: "openai",
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const reply = openAiReply();
      let usage: Usage = { inputTokens: 0, outputTokens: 0 };
      let stopReason: string | null = null;
      let model = req.model;
      try {
        const params = { ...toOpenAiParams(req), stream: true as const, stream_options: { include_usage: true } };
        const stream = await client.chat.completions.create(params, { signal: req.signal });
        for await (const chunk of stream) {
          model = chunk.model || model;
          const choice = chunk.choices[0];
          for (const piece of reply.add(choice?.delta)) req.onDelta(piece.text, piece.part);
          if (choice?.finish_reason) stopReason = choice.finish_reason;
          if (chunk.usage) usage = fromOpenAiUsage(chunk.usage);
        }
        // The SDK ends the iteration quietly when the request is aborted; a cancelled call must not look finished.
        req.signal.throwIfAborted();
        return {
          output: reply.text(),
          content: reply.content(),
          model,
          stopReason: fromOpenAiStopReason(stopReason),
          usage,
        };
      } catch (err) {
        throw toProviderError(err, OpenAI, req.signal, { output: reply.text(), usage });
      }
    },
  };
}
