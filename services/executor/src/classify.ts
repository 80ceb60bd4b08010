import { outputMismatch } from "@taskjet/runtime";
import type { ProviderError } from "./providers/provider.ts";

export type Classified = {
  code: string;
  message: string;
  retryable: boolean;
  /** The earliest the provider will take another call, when it said so. */
  retryAfterMs: number | null;
};

type Failure = Pick<ProviderError, "kind" | "status" | "type" | "headers" | "message">;

const FATAL_HTTP: Record<number, string> = {
  400: "invalid_request",
  401: "authentication",
  402: "payment_required",
  403: "permission",
  404: "not_found",
  413: "request_too_large",
  422: "invalid_request",
};

/** Decides, from what the provider said, whether a failed call is worth another attempt and when. */
export function classifyFailure(f: Failure, now: Date): Classified {
  const message = f.message;
  if (f.kind === "aborted") return { code: "aborted", message, retryable: false, retryAfterMs: null };
  if (f.kind === "timeout") return { code: "timeout", message, retryable: true, retryAfterMs: null };
  if (f.kind === "connection") {
    const code = f.type === "overloaded_error" ? "overloaded" : "connection_error";
    return { code, message, retryable: true, retryAfterMs: null };
  }
  const status = f.status ?? 0;
  if (status === 429) {
    if (/spend|billing|credit|quota/i.test(message)) {
      return { code: "spend_limit", message, retryable: false, retryAfterMs: null };
    }
    return { code: "rate_limited", message, retryable: true, retryAfterMs: retryAfterMs(f.headers, now) };
  }
  if (status === 529 || f.type === "overloaded_error") {
    return { code: "overloaded", message, retryable: true, retryAfterMs: retryAfterMs(f.headers, now) };
  }
  if (status === 408 || status >= 500) {
    return {
      code: status === 408 ? "timeout" : "server_error",
      message,
      retryable: true,
      retryAfterMs: retryAfterMs(f.headers, now),
    };
  }
  return { code: FATAL_HTTP[status] ?? "client_error", message, retryable: false, retryAfterMs: null };
}

/** How much of a refusal's own words its failure message quotes. */
const REFUSAL_QUOTE_CHARS = 200;

/**
 * Whether a reply the provider finished still fails its attempt, for a task with `outputSchema`. A refusal
 * (`stopReason: refusal`, OpenAI's `content_filter`) fails at once as `refused`: asking again gets another
 * refusal, not JSON, so it is not worth the task's retries. Any other final reply must match the schema, else it
 * is `output_invalid`, retried by policy. A reply that stops to call a tool is not the final answer: not checked.
 */
export function classifyReply(
  reply: { output: string; stopReason: string | null },
  outputSchema: Record<string, unknown> | undefined,
): Classified | null {
  if (!outputSchema || reply.stopReason === "tool_use") return null;
  if (reply.stopReason === "refusal") {
    const said = reply.output.trim().slice(0, REFUSAL_QUOTE_CHARS);
    const message = `the model refused to answer, so there is no output to check against outputSchema${said ? `: ${said}` : ""}`;
    return { code: "refused", message, retryable: false, retryAfterMs: null };
  }
  const mismatch = outputMismatch(outputSchema, reply.output);
  if (mismatch === null) return null;
  return { code: "output_invalid", message: mismatch, retryable: true, retryAfterMs: null };
}

/**
 * How long the provider asked us to wait: `retry-after` (seconds or an HTTP date) when it says; only without it,
 * the latest `anthropic-ratelimit-*-reset` (RFC 3339). A 429 carries a reset for every dimension, most of them
 * not exhausted (their reset is the end of the window): waiting for the latest would pause a lane far too long.
 */
export function retryAfterMs(headers: Record<string, string>, now: Date): number | null {
  const ra = headers["retry-after"];
  if (ra !== undefined) {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    if (!Number.isNaN(Date.parse(ra))) return Math.max(0, Date.parse(ra) - now.getTime());
  }
  const candidates: number[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (/^anthropic-ratelimit-.*-reset$/.test(k) && !Number.isNaN(Date.parse(v))) {
      candidates.push(Date.parse(v) - now.getTime());
    }
  }
  if (candidates.length === 0) return null;
  return Math.max(0, ...candidates);
}

/** Exponential backoff with full jitter, never sooner than the provider asked. */
export function retryDelayMs(
  attempt: number,
  retryAfter: number | null,
  random: () => number,
  opts = { baseMs: 1000, capMs: 60_000 },
): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(Math.round(random() * ceiling), retryAfter ?? 0);
}
