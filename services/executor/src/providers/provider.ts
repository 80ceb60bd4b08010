import type { ModelInput, OutputBlock, Usage } from "@taskjet/events";
import type { DeltaPart } from "../output-publisher.ts";

/** The task's input with the model this attempt calls (a fallback's, after the task's own gave out). */
export type GenerateRequest = ModelInput & {
  signal: AbortSignal;
  /** Called with each piece of the reply as the model produces it: text, thinking, a tool call's input JSON. */
  onDelta: (text: string, part: DeltaPart) => void;
};

export type GenerateResult = {
  /** The final text: the text blocks of `content`, joined. */
  output: string;
  /** Every block of the reply, in order. */
  content: OutputBlock[];
  model: string;
  stopReason: string | null;
  usage: Usage;
  /** What the provider said of its limits (`anthropic-ratelimit-*`, `retry-after`), when it said: lanes learn it. */
  headers?: Record<string, string>;
};

/** The response headers flow control reads: the rate-limit ones and retry-after. */
export function rateLimitHeaders(
  headers: { forEach(cb: (value: string, key: string) => void): void } | null | undefined,
) {
  const out: Record<string, string> = {};
  headers?.forEach((v, k) => {
    const key = k.toLowerCase();
    if (key.startsWith("anthropic-ratelimit-") || key === "retry-after") out[key] = v;
  });
  return out;
}

/** One way to reach a model. Implementations throw ProviderError for every failure they can describe. */
export type LlmProvider = {
  name: string;
  generate(req: GenerateRequest): Promise<GenerateResult>;
};

export type FailureKind = "http" | "connection" | "timeout" | "aborted";

/**
 * A provider failure in provider-neutral terms: what `classifyFailure` needs to decide retry or fail, plus
 * whatever the call had produced and spent before it stopped.
 */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly kind: FailureKind;
  readonly status: number | null;
  /** The provider's own error type, e.g. `rate_limit_error`, `overloaded_error`. */
  readonly type: string | null;
  readonly headers: Record<string, string>;
  partialOutput = "";
  usage: Usage | null = null;
  constructor(
    message: string,
    opts: {
      kind: FailureKind;
      status?: number | null;
      type?: string | null;
      headers?: Record<string, string>;
      cause?: unknown;
    },
  ) {
    super(message, { cause: opts.cause });
    this.kind = opts.kind;
    this.status = opts.status ?? null;
    this.type = opts.type ?? null;
    this.headers = opts.headers ?? {};
  }
}
