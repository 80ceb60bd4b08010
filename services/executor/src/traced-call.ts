import { type Attributes, context, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { AttemptRef } from "@taskjet/events";
import { failSpan, tracerOf, tracingOn } from "@taskjet/runtime";
import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./providers/provider.ts";

/**
 * The provider call, in a CLIENT span `chat <model>` when tracing is on, with the GenAI semantic conventions'
 * attributes (`gen_ai.*`: provider, models, request parameters, finish reason, token usage, time to the first
 * chunk) and the error's class (`error.type`: the provider's error type, else its HTTP status, else how the call
 * failed). The Anthropic SDK records its own span of the HTTP call under this one. Off: the call as it is.
 */
export function generateTraced(llm: LlmProvider, req: GenerateRequest, ref: AttemptRef): Promise<GenerateResult> {
  if (!tracingOn()) return llm.generate(req);
  const span = tracerOf("executor").startSpan(`chat ${req.model}`, {
    kind: SpanKind.CLIENT,
    attributes: requestAttributes(llm.name, req, ref),
  });
  const started = performance.now();
  let first = true;
  const onDelta: GenerateRequest["onDelta"] = (text, part) => {
    if (first) {
      first = false;
      span.setAttribute("gen_ai.response.time_to_first_chunk", (performance.now() - started) / 1000);
    }
    req.onDelta(text, part);
  };
  return context.with(trace.setSpan(context.active(), span), async () => {
    try {
      const result = await llm.generate({ ...req, onDelta });
      span.setAttributes(resultAttributes(result));
      return result;
    } catch (err) {
      failed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

function requestAttributes(provider: string, req: GenerateRequest, ref: AttemptRef): Attributes {
  return {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": provider,
    "gen_ai.request.model": req.model,
    "gen_ai.request.max_tokens": req.maxTokens,
    ...(req.temperature !== null ? { "gen_ai.request.temperature": req.temperature } : {}),
    ...(req.topP !== undefined ? { "gen_ai.request.top_p": req.topP } : {}),
    ...(req.topK !== undefined ? { "gen_ai.request.top_k": req.topK } : {}),
    ...(req.stopSequences?.length ? { "gen_ai.request.stop_sequences": req.stopSequences } : {}),
    "taskjet.task_id": ref.taskId,
    "taskjet.attempt": ref.attempt,
  };
}

function resultAttributes(result: GenerateResult): Attributes {
  const { usage } = result;
  return {
    "gen_ai.response.model": result.model,
    ...(result.stopReason !== null ? { "gen_ai.response.finish_reasons": [result.stopReason] } : {}),
    "gen_ai.usage.input_tokens": usage.inputTokens,
    "gen_ai.usage.output_tokens": usage.outputTokens,
    ...(usage.cacheCreationInputTokens !== undefined
      ? { "gen_ai.usage.cache_creation.input_tokens": usage.cacheCreationInputTokens }
      : {}),
    ...(usage.cacheReadInputTokens !== undefined
      ? { "gen_ai.usage.cache_read.input_tokens": usage.cacheReadInputTokens }
      : {}),
  };
}

/** A failed call: its class, and what it spent before it stopped. */
function failed(span: Span, err: unknown) {
  failSpan(span, err);
  if (!(err instanceof ProviderError)) return;
  span.setAttributes({
    "error.type": err.type ?? (err.status !== null ? String(err.status) : err.kind),
    "taskjet.error.kind": err.kind,
    ...(err.status !== null ? { "http.response.status_code": err.status } : {}),
    ...(err.usage
      ? { "gen_ai.usage.input_tokens": err.usage.inputTokens, "gen_ai.usage.output_tokens": err.usage.outputTokens }
      : {}),
  });
}
