import { type Attributes, context, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { AttemptRef } from "@taskjet/events";
import { failSpan, tracerOf, tracingOn } from "@taskjet/runtime";
import type { CallMetrics } from "./call-metrics.ts";
import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./providers/provider.ts";

/**
 * The provider call, measured: its time to the first chunk, how it ended and its tokens go to the executor's
 * metrics; with tracing on, it runs in a CLIENT span `chat <model>` with the GenAI semantic conventions'
 * attributes (`gen_ai.*`: provider, models, request parameters, finish reason, token usage, time to the first
 * chunk) and the error's class (`error.type`: the provider's error type, else its HTTP status, else how the call
 * failed). The Anthropic SDK records its own span of the HTTP call under this one.
 */
export function generateObserved(
  llm: LlmProvider,
  req: GenerateRequest,
  ref: AttemptRef,
  metrics: CallMetrics,
): Promise<GenerateResult> {
  const span = tracingOn()
    ? tracerOf("executor").startSpan(`chat ${req.model}`, {
        kind: SpanKind.CLIENT,
        attributes: requestAttributes(llm.name, req, ref),
      })
    : null;
  const started = performance.now();
  let first = true;
  const onDelta: GenerateRequest["onDelta"] = (text, part) => {
    if (first) {
      first = false;
      const seconds = (performance.now() - started) / 1000;
      metrics.firstChunk(llm.name, req.model, seconds);
      span?.setAttribute("gen_ai.response.time_to_first_chunk", seconds);
    }
    req.onDelta(text, part);
  };
  const call = async () => {
    try {
      const result = await llm.generate({ ...req, onDelta });
      metrics.ended(llm.name, req.model, "completed", result.usage);
      span?.setAttributes(resultAttributes(result));
      return result;
    } catch (err) {
      metrics.ended(llm.name, req.model, errorClass(err), err instanceof ProviderError ? err.usage : null);
      if (span) failed(span, err);
      throw err;
    } finally {
      span?.end();
    }
  };
  return span ? context.with(trace.setSpan(context.active(), span), call) : call();
}

/** A failed call's class: the provider's error type, else its HTTP status, else how it failed. */
function errorClass(err: unknown): string {
  if (!(err instanceof ProviderError)) return "error";
  return err.type ?? (err.status !== null ? String(err.status) : err.kind);
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
    "error.type": errorClass(err),
    "taskjet.error.kind": err.kind,
    ...(err.status !== null ? { "http.response.status_code": err.status } : {}),
    ...(err.usage
      ? { "gen_ai.usage.input_tokens": err.usage.inputTokens, "gen_ai.usage.output_tokens": err.usage.outputTokens }
      : {}),
  });
}
