import OpenAI from "openai";
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
      let text = "";
      let usage = { inputTokens: 0, outputTokens: 0 };
      let stopReason: string | null = null;
      let model = req.model;
      try {
        const stream = await client.chat.completions.create(
          {
            model: req.model,
            max_tokens: req.maxTokens,
            stream: true,
            stream_options: { include_usage: true },
            messages: [
              ...(req.system !== null ? [{ role: "system" as const, content: req.system }] : []),
              { role: "user", content: req.prompt },
            ],
            ...(req.temperature !== null ? { temperature: req.temperature } : {}),
          },
          { signal: req.signal },
        );
        for await (const chunk of stream) {
          model = chunk.model || model;
          const choice = chunk.choices[0];
          const delta = choice?.delta?.content;
          if (delta) {
            text += delta;
            req.onDelta(delta, { kind: "text" });
          }
          if (choice?.finish_reason) stopReason = choice.finish_reason;
          if (chunk.usage)
            usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        }
        // The SDK ends the iteration quietly when the request is aborted; a cancelled call must not look finished.
        req.signal.throwIfAborted();
        return { output: text, content: [{ type: "text", text }], model, stopReason, usage };
      } catch (err) {
        throw toProviderError(err, OpenAI, req.signal, { output: text, usage });
      }
    },
  };
}
