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

/** One request of a batch: the task's input with its attempt's model, under an id the results are matched by. */
export type BatchRequest = { customId: string; input: ModelInput };

/** What became of one request of a batch, in provider-neutral terms. */
export type BatchOutcome =
  | { kind: "succeeded"; result: GenerateResult }
  /** The request failed as a call would have: the provider's error type and message (no HTTP status of its own). */
  | { kind: "errored"; type: string; message: string }
  /** The batch was cancelled before this request ran. */
  | { kind: "canceled" }
  /** The batch reached its deadline (24 h at Anthropic) before this request ran. */
  | { kind: "expired" };

export type BatchResultLine = { customId: string; outcome: BatchOutcome };

/**
 * A provider's batch API (Anthropic's Message Batches): send many requests as one, look at the batch until it has
 * ended, read each request's result, cancel it. Failures are ProviderErrors, like a call's.
 */
export type BatchApi = {
  create(requests: readonly BatchRequest[]): Promise<{ id: string }>;
  /** `ended`: every request has a result (succeeded, errored, canceled or expired). */
  retrieve(id: string): Promise<{ id: string; ended: boolean }>;
  results(id: string): AsyncIterable<BatchResultLine>;
  cancel(id: string): Promise<void>;
};

/** One way to reach a model. Implementations throw ProviderError for every failure they can describe. */
export type LlmProvider = {
  name: string;
  generate(req: GenerateRequest): Promise<GenerateResult>;
  /** Its batch API, when it has one: what `mode: "batch"` tasks are sent through. */
  batches?: BatchApi;
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
