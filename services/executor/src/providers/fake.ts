import { type GenerateRequest, type GenerateResult, type LlmProvider, ProviderError } from "./provider.ts";

/**
 * A deterministic stand-in for a model: echoes the prompt back in a few streamed pieces over `latencyMs`.
 * Lets the whole system run, and be tested, without a key or a network.
 */
export function fakeProvider(opts: { latencyMs: number; replyChars?: number }): LlmProvider {
  return {
    name: "fake",
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const output = fakeOutput(req.prompt, opts.replyChars);
      const size = Math.max(1, Math.ceil(output.length / PIECES));
      const pieces = Array.from({ length: Math.ceil(output.length / size) }, (_, i) =>
        output.slice(i * size, (i + 1) * size),
      );
      const pause = opts.latencyMs / pieces.length;
      let sent = "";
      for (const piece of pieces) {
        if (pause > 0) await sleep(pause, req.signal);
        if (req.signal.aborted) {
          const err = new ProviderError("aborted", { kind: "aborted", cause: req.signal.reason });
          err.partialOutput = sent;
          throw err;
        }
        sent += piece;
        req.onText(piece);
      }
      return {
        output,
        model: req.model,
        stopReason: "end_turn",
        usage: { inputTokens: wordCount(req.prompt), outputTokens: wordCount(output) },
      };
    },
  };
}

/** The reply is streamed in this many pieces, spread over the latency. */
const PIECES = 8;

/** Echoes the prompt, padded with dots to `minLength` characters (a benchmark's realistic reply size). */
export function fakeOutput(prompt: string, minLength = 0): string {
  return `Fake reply to: ${prompt}`.padEnd(minLength, ".");
}

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
