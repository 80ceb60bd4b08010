import Anthropic from "@anthropic-ai/sdk";
import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./provider.ts";

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
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      let text = "";
      let usage = { inputTokens: 0, outputTokens: 0 };
      try {
        const stream = client.messages.stream(
          {
            model: req.model,
            max_tokens: req.maxTokens,
            messages: [{ role: "user", content: req.prompt }],
            ...(req.system !== null ? { system: req.system } : {}),
            ...(req.temperature !== null ? { temperature: req.temperature } : {}),
          },
          { signal: req.signal },
        );
        stream.on("text", (delta) => {
          text += delta;
          req.onText(delta);
        });
        stream.on("streamEvent", (event) => {
          if (event.type === "message_start") {
            usage = { inputTokens: event.message.usage.input_tokens, outputTokens: event.message.usage.output_tokens };
          } else if (event.type === "message_delta") {
            usage = { ...usage, outputTokens: event.usage.output_tokens };
          }
        });
        const final = await stream.finalMessage();
        return {
          output: text,
          model: final.model,
          stopReason: final.stop_reason,
          usage: { inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens },
        };
      } catch (err) {
        const failure = toProviderError(err, req.signal);
        failure.partialOutput = text;
        failure.usage = usage;
        throw failure;
      }
    },
  };
}

function toProviderError(err: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted || err instanceof Anthropic.APIUserAbortError) {
    return new ProviderError("request aborted", { kind: "aborted", cause: err });
  }
  if (err instanceof Anthropic.APIConnectionTimeoutError) {
    return new ProviderError(err.message, { kind: "timeout", cause: err });
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return new ProviderError(err.message, { kind: "connection", cause: err });
  }
  if (err instanceof Anthropic.APIError) {
    const headers: Record<string, string> = {};
    err.headers?.forEach((v: string, k: string) => {
      headers[k] = v;
    });
    return new ProviderError(err.apiMessage ?? err.message, {
      kind: "http",
      status: err.status ?? null,
      type: err.type ?? null,
      headers,
      cause: err,
    });
  }
  // An error in the middle of an SSE stream (e.g. an `overloaded_error` event) or a dropped connection.
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderError(message, { kind: "connection", cause: err });
}
