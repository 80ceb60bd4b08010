import { ProviderError } from "./provider.ts";

/**
 * What a prompt asks of the fake provider, by markers anywhere in it:
 * - `[fake:rate-limit=N]`: the first N calls are answered 429 `rate_limit_error` with `retry-after: 1`;
 * - `[fake:overloaded=N]`: the N calls after those, 529 `overloaded_error`;
 * - `[fake:invalid-output=N]`: with an `outputSchema`, the N answers after those are JSON it does not accept;
 * - `[fake:fail]`: every call, a permanent 400 `invalid_request_error`;
 * - `[fake:slow=MS]`: a longer reply, streamed a word every MS milliseconds.
 * Calls are counted per provider (executor process) and prompt text (the last user turn's).
 */
export type FakeMarkers = {
  rateLimit: number;
  overloaded: number;
  invalidOutput: number;
  fail: boolean;
  slowMs: number | null;
};

export const MARKER = /\[fake:([a-z-]+)(?:=(\d{1,6}))?\]/g;
const MAX_COUNT = 100;
const MAX_SLOW_MS = 10_000;

/** The markers in a prompt. Unknown ones and values out of range are ignored; of two of a kind the last wins. */
export function parseFakeMarkers(prompt: string): FakeMarkers {
  const markers: FakeMarkers = { rateLimit: 0, overloaded: 0, invalidOutput: 0, fail: false, slowMs: null };
  for (const [, name, raw] of prompt.matchAll(MARKER)) {
    const n = raw === undefined ? null : Number(raw);
    if (name === "fail" && n === null) markers.fail = true;
    else if (name === "rate-limit" && n !== null && n <= MAX_COUNT) markers.rateLimit = n;
    else if (name === "overloaded" && n !== null && n <= MAX_COUNT) markers.overloaded = n;
    else if (name === "invalid-output" && n !== null && n <= MAX_COUNT) markers.invalidOutput = n;
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

/** Whether the `n`th call's answer is to miss the output schema: the first answers past the failures. */
export const answersInvalid = (markers: FakeMarkers, n: number) =>
  n > markers.rateLimit + markers.overloaded && n <= markers.rateLimit + markers.overloaded + markers.invalidOutput;

/** How many calls of a prompt are worth counting: past them, every call is answered alike. */
export const countedCalls = (markers: FakeMarkers) => markers.rateLimit + markers.overloaded + markers.invalidOutput;

/** A model the fake is always too busy for: `fallbackModels` can be shown and tested against it. */
export function overloadedModel(model: string): ProviderError | null {
  if (!model.includes("overloaded")) return null;
  const message = `fake: ${model} is always overloaded (its name says so)`;
  return new ProviderError(message, { kind: "http", status: 529, type: "overloaded_error" });
}
