import { setTimeout as sleep } from "node:timers/promises";
import { lastUserText, type OutputBlock, requestChars, textOf } from "@taskjet/events";
import type { DeltaPart } from "../output-publisher.ts";
import { fakeBatches } from "./fake-batches.ts";
import { promptCache } from "./fake-cache.ts";
import { answersInvalid, countedCalls, fakeFailure, overloadedModel, parseFakeMarkers } from "./fake-markers.ts";
import { fakeReply } from "./fake-reply.ts";
import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./provider.ts";

export { type FakeMarkers, fakeFailure, parseFakeMarkers } from "./fake-markers.ts";
export { fakeOutput } from "./fake-reply.ts";

/**
 * A deterministic stand-in for a model, what `npm start` runs without a key: it echoes the last user turn
 * (`Fake reply to: …`) in a few streamed pieces over `latencyMs`, and answers the rest of the Messages API
 * plausibly (`fakeReply`): tool calls with inputs made from their schemas, thinking first when asked, JSON
 * that satisfies an `outputSchema`, replies cut at a stop sequence or `maxTokens` words, prompt-cache usage
 * for requests marked `cacheControl`. Any model whose name contains `overloaded` is always answered 529.
 * Markers in the prompt (`parseFakeMarkers`: `[fake:rate-limit=N]`, `[fake:overloaded=N]`,
 * `[fake:invalid-output=N]`, `[fake:fail]`, `[fake:slow=MS]`) make it fail, miss the schema or stream slowly
 * on request, so retries, failures and streaming can be watched too.
 */
export function fakeProvider(opts: { latencyMs: number; replyChars?: number }): LlmProvider {
  /** Calls so far per marked prompt, while it still has failures to give; the oldest dropped past a bound. */
  const calls = new Map<string, number>();
  const cache = promptCache();
  const provider: LlmProvider = {
    name: "fake",
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const busy = overloadedModel(req.model);
      if (busy) throw busy;
      const prompt = lastUserText(req);
      const markers = parseFakeMarkers(prompt);
      let n = 1;
      if (markers.fail || countedCalls(markers) > 0) {
        n = (calls.get(prompt) ?? 0) + 1;
        calls.delete(prompt);
        if (n <= countedCalls(markers)) calls.set(prompt, n);
        if (calls.size > MAX_TRACKED) calls.delete(calls.keys().next().value ?? "");
        const failure = fakeFailure(markers, n);
        if (failure) throw failure;
      }
      const reply = fakeReply(req, { replyChars: opts.replyChars, invalid: answersInvalid(markers, n) });
      const pieces = reply.content.flatMap((b, block) => piecesOf(b, block, markers.slowMs !== null));
      const pause = markers.slowMs ?? opts.latencyMs / pieces.length;
      let sent = "";
      for (const piece of pieces) {
        if (pause > 0) await sleep(pause, undefined, { signal: req.signal }).catch(() => undefined); // an abort ends it
        if (req.signal.aborted) {
          const err = new ProviderError("aborted", { kind: "aborted", cause: req.signal.reason });
          err.partialOutput = sent;
          throw err;
        }
        if (piece.part.kind === "text") sent += piece.text;
        req.onDelta(piece.text, piece.part);
      }
      const output = textOf(reply.content);
      const streamed = reply.content.map(streamedText).join(" ");
      return {
        output,
        content: reply.content,
        model: req.model,
        stopReason: reply.stopReason,
        usage: { ...cache.usage(req, Math.ceil(requestChars(req) / 4)), outputTokens: wordCount(streamed) },
      };
    },
  };
  // Batches answer each request as a call would be answered, markers and all.
  return { ...provider, batches: fakeBatches((req) => provider.generate(req)) };
}

/** A block is streamed in this many pieces, spread over the latency. */
const PIECES = 8;
/** Marked prompts whose calls are counted at once: a bound on memory, far above any demo's. */
const MAX_TRACKED = 10_000;

/** A block's streamed pieces: its text, thinking or input JSON, in even pieces, or a word at a time when slow. */
function piecesOf(b: OutputBlock, block: number, slow: boolean): { text: string; part: DeltaPart }[] {
  if (b.type === "redacted_thinking") return [];
  const text = streamedText(b);
  const kind = b.type === "text" ? "text" : b.type === "thinking" ? "thinking" : "tool_input";
  const pieces = slow ? (text.match(/\S+\s*/g) ?? [text]) : evenPieces(text);
  return pieces.map((p) => ({ text: p, part: { kind, block } }));
}

/** What a block streams: its text, its thinking, or its input as JSON. */
const streamedText = (b: OutputBlock) =>
  b.type === "text"
    ? b.text
    : b.type === "thinking"
      ? b.thinking
      : b.type === "tool_use"
        ? JSON.stringify(b.input)
        : "";

const evenPieces = (output: string) => {
  const size = Math.max(1, Math.ceil(output.length / PIECES));
  return Array.from({ length: Math.ceil(output.length / size) }, (_, i) => output.slice(i * size, (i + 1) * size));
};

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
