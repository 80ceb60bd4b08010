import { setTimeout as sleep } from "node:timers/promises";
import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./provider.ts";

/**
 * A deterministic stand-in for a model: echoes the prompt back in a few streamed pieces over `latencyMs`.
 * Lets the whole system run, and be tested, without a key or a network. Markers in the prompt make it fail or
 * stream slowly on request (`parseFakeMarkers`), so retries, failures and streaming can be watched too.
 */
export function fakeProvider(opts: { latencyMs: number; replyChars?: number }): LlmProvider {
  /** Calls so far per marked prompt, while it still has failures to give; the oldest dropped past a bound. */
  const calls = new Map<string, number>();
  return {
    name: "fake",
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const markers = parseFakeMarkers(req.prompt);
      const failing = markers.rateLimit + markers.overloaded;
      if (markers.fail || failing > 0) {
        const n = (calls.get(req.prompt) ?? 0) + 1;
        calls.delete(req.prompt);
        if (n <= failing) calls.set(req.prompt, n);
        if (calls.size > MAX_TRACKED) calls.delete(calls.keys().next().value ?? "");
        const failure = fakeFailure(markers, n);
        if (failure) throw failure;
      }
      const output = fakeOutput(req.prompt, opts.replyChars);
      const pieces = markers.slowMs === null ? evenPieces(output) : (output.match(/\S+\s*/g) ?? [output]);
      const pause = markers.slowMs ?? opts.latencyMs / pieces.length;
      let sent = "";
      for (const piece of pieces) {
        if (pause > 0) await sleep(pause, undefined, { signal: req.signal }).catch(() => undefined); // an abort ends it
        if (req.signal.aborted) {
          const err = new ProviderError("aborted", { kind: "aborted", cause: req.signal.reason });
          err.partialOutput = sent;
          throw err;
        }
        sent += piece;
        req.onDelta(piece, { kind: "text" });
      }
      return {
        output,
        content: [{ type: "text", text: output }],
        model: req.model,
        stopReason: "end_turn",
        usage: { inputTokens: wordCount(req.prompt), outputTokens: wordCount(output) },
      };
    },
  };
}

/** The reply is streamed in this many pieces, spread over the latency. */
const PIECES = 8;
/** Marked prompts whose calls are counted at once: a bound on memory, far above any demo's. */
const MAX_TRACKED = 10_000;

const evenPieces = (output: string) => {
  const size = Math.max(1, Math.ceil(output.length / PIECES));
  return Array.from({ length: Math.ceil(output.length / size) }, (_, i) => output.slice(i * size, (i + 1) * size));
};

/**
 * What a prompt asks of the fake provider, by markers anywhere in it:
 * - `[fake:rate-limit=N]`: the first N calls are answered 429 `rate_limit_error` with `retry-after: 1`;
 * - `[fake:overloaded=N]`: the N calls after those, 529 `overloaded_error`;
 * - `[fake:fail]`: every call, a permanent 400 `invalid_request_error`;
 * - `[fake:slow=MS]`: a longer reply, streamed a word every MS milliseconds.
 * Calls are counted per provider (executor process) and prompt text.
 */
export type FakeMarkers = { rateLimit: number; overloaded: number; fail: boolean; slowMs: number | null };

const MARKER = /\[fake:([a-z-]+)(?:=(\d{1,6}))?\]/g;
const MAX_COUNT = 100;
const MAX_SLOW_MS = 10_000;

/** The markers in a prompt. Unknown ones and values out of range are ignored; of two of a kind the last wins. */
export function parseFakeMarkers(prompt: string): FakeMarkers {
  const markers: FakeMarkers = { rateLimit: 0, overloaded: 0, fail: false, slowMs: null };
  for (const [, name, raw] of prompt.matchAll(MARKER)) {
    const n = raw === undefined ? null : Number(raw);
    if (name === "fail" && n === null) markers.fail = true;
    else if (name === "rate-limit" && n !== null && n <= MAX_COUNT) markers.rateLimit = n;
    else if (name === "overloaded" && n !== null && n <= MAX_COUNT) markers.overloaded = n;
    else if (name === "slow" && n !== null && n > 0 && n <= MAX_SLOW_MS) markers.slowMs = n;
  }
  return markers;
}

/** How the `n`th call (from 1) of a prompt with these markers fails, or null when it answers. */
export function fakeFailure(markers: FakeMarkers, n: number): ProviderError | null {
  if (markers.fail) {
    const message = "fake: invalid request, as [fake:fail] asked";
    return new ProviderError(message, { kind: "http", status: 400, type: "invalid_request_error" });
  }
  if (n <= markers.rateLimit) {
    const message = `fake: rate limited (${n} of ${markers.rateLimit}), as [fake:rate-limit] asked`;
    const headers = { "retry-after": "1" };
    return new ProviderError(message, { kind: "http", status: 429, type: "rate_limit_error", headers });
  }
  if (n <= markers.rateLimit + markers.overloaded) {
    const message = `fake: overloaded (${n - markers.rateLimit} of ${markers.overloaded}), as [fake:overloaded] asked`;
    return new ProviderError(message, { kind: "http", status: 529, type: "overloaded_error" });
  }
  return null;
}

/** What a slow reply goes on with after the echo: long enough to watch it grow, and to cancel it. */
const SLOW_TAIL =
  "Messages wait in the stream until a worker is free. Each one is taken, worked on, and acknowledged; " +
  "one that fails comes back later, after a pause that grows each time, and one that is cancelled stops " +
  "where it is. Nothing is lost when a process dies: the log remembers what happened, and the read model " +
  "is folded again from it. This reply is slow on purpose, one word at a time, so that you can watch it " +
  "arrive, or cancel it before it ends.";

/**
 * The fake's reply: the prompt echoed without its markers (so a task chained onto it is not marked too), a
 * longer text after it when slow, padded with dots to `minLength` characters (a benchmark's realistic size).
 */
export function fakeOutput(prompt: string, minLength = 0): string {
  const unmarked = prompt.replace(MARKER, "");
  const echo = `Fake reply to: ${unmarked === prompt ? prompt : unmarked.replace(/ {2,}/g, " ").trim()}`;
  const reply = parseFakeMarkers(prompt).slowMs === null ? echo : `${echo}\n\n${SLOW_TAIL}`;
  return reply.padEnd(minLength, ".");
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
