import { ev } from "@taskjet/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { classifyFailure, classifyReply, retryAfterMs, retryDelayMs } from "./classify.ts";
import { ProviderError } from "./providers/provider.ts";
import { afterFailure, attemptModel, attemptNumber } from "./retry-policy.ts";

const now = new Date("2026-11-22T10:00:00.000Z");
const http = (status: number, type: string | null, message = "msg", headers: Record<string, string> = {}) =>
  new ProviderError(message, { kind: "http", status, type, headers });

describe("classifyFailure: the error taxonomy", () => {
  it.each([
    [
      "429 rate limit, retry-after seconds",
      http(429, "rate_limit_error", "Rate limited", { "retry-after": "7" }),
      "rate_limited",
      true,
      7000,
    ],
    ["429 spend limit", http(429, "rate_limit_error", "You have reached your spend limit"), "spend_limit", false, null],
    ["429 credit balance", http(429, "rate_limit_error", "Your credit balance is too low"), "spend_limit", false, null],
    ["529 overloaded", http(529, "overloaded_error", "Overloaded"), "overloaded", true, null],
    ["500", http(500, "api_error"), "server_error", true, null],
    ["503", http(503, null), "server_error", true, null],
    ["408", http(408, null), "timeout", true, null],
    ["400", http(400, "invalid_request_error", "max_tokens: too large"), "invalid_request", false, null],
    ["401", http(401, "authentication_error"), "authentication", false, null],
    ["403", http(403, "permission_error"), "permission", false, null],
    ["404", http(404, "not_found_error"), "not_found", false, null],
    ["413", http(413, "request_too_large"), "request_too_large", false, null],
    ["418 (other 4xx)", http(418, null), "client_error", false, null],
    ["a connection error", new ProviderError("ECONNRESET", { kind: "connection" }), "connection_error", true, null],
    [
      "an overloaded SSE error mid-stream",
      new ProviderError("Overloaded", { kind: "connection", type: "overloaded_error" }),
      "overloaded",
      true,
      null,
    ],
    ["an SDK timeout", new ProviderError("timed out", { kind: "timeout" }), "timeout", true, null],
    ["an abort", new ProviderError("aborted", { kind: "aborted" }), "aborted", false, null],
  ] as const)("%s", (_what, failure, code, retryable, after) => {
    const c = classifyFailure(failure, now);
    expect(c).toMatchObject({ code, retryable, retryAfterMs: after });
    expect(c.message).toBe(failure.message);
  });
});

describe("classifyReply: a finished reply that still fails its attempt", () => {
  const schema = { type: "object", required: ["name"] };
  it.each([
    ["no outputSchema: any reply stands", '{"name":"Ada"}', "end_turn", undefined, null],
    ["no outputSchema: a refusal is an answer too", "I can't help with that.", "refusal", undefined, null],
    ["a match", '{"name":"Ada"}', "end_turn", schema, null],
    ["a match cut short is still a match", '{"name":"Ada"}', "max_tokens", schema, null],
    ["a tool call is not the final answer", "Let me look.", "tool_use", schema, null],
    ["not JSON: output_invalid, retried", "Ada is 36.", "end_turn", schema, ["output_invalid", true]],
    ["a mismatch: output_invalid, retried", '{"age":36}', "end_turn", schema, ["output_invalid", true]],
    ["a refusal: refused, at once", "I can't help with that.", "refusal", schema, ["refused", false]],
    ["a refusal that happens to be JSON: refused all the same", '{"name":"no"}', "refusal", schema, ["refused", false]],
    ["a refusal with no words", "", "refusal", schema, ["refused", false]],
  ] as const)("%s", (_what, output, stopReason, outputSchema, expected) => {
    const c = classifyReply({ output, stopReason }, outputSchema);
    if (expected === null) expect(c).toBeNull();
    else expect(c).toMatchObject({ code: expected[0], retryable: expected[1], retryAfterMs: null });
  });

  it("quotes the start of what the model said in a refusal, never more", () => {
    const long = `No. ${"x".repeat(1000)}`;
    const c = classifyReply({ output: long, stopReason: "refusal" }, { type: "object" });
    expect(c?.message).toMatch(/^the model refused to answer.*: No\. x+$/);
    expect(c?.message.length).toBeLessThan(300);
    expect(classifyReply({ output: "  ", stopReason: "refusal" }, { type: "object" })?.message).not.toContain(":");
  });
});

describe("retryAfterMs", () => {
  it("reads retry-after as seconds or as an HTTP date", () => {
    expect(retryAfterMs({ "retry-after": "2.5" }, now)).toBe(2500);
    expect(retryAfterMs({ "retry-after": "Sun, 22 Nov 2026 10:00:30 GMT" }, now)).toBe(30_000);
  });
  it("without retry-after, takes the latest anthropic-ratelimit-*-reset and never a negative wait", () => {
    const h = {
      "anthropic-ratelimit-requests-reset": "2026-11-22T10:00:05Z",
      "anthropic-ratelimit-tokens-reset": "2026-11-22T10:00:12Z",
    };
    expect(retryAfterMs(h, now)).toBe(12_000);
    expect(retryAfterMs({ ...h, "retry-after": "3" }, now)).toBe(3000); // the provider's own word wins
    expect(retryAfterMs({ "anthropic-ratelimit-tokens-reset": "2026-11-22T09:59:00Z" }, now)).toBe(0);
    expect(retryAfterMs({}, now)).toBeNull();
  });
});

describe("retryDelayMs: exponential backoff with full jitter", () => {
  it("grows as 2^(attempt-1) seconds, capped, jittered over [0, ceiling]", () => {
    expect(retryDelayMs(1, null, () => 1)).toBe(1000);
    expect(retryDelayMs(3, null, () => 1)).toBe(4000);
    expect(retryDelayMs(20, null, () => 1)).toBe(60_000);
    expect(retryDelayMs(3, null, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, null, () => 0)).toBe(0);
  });
  it("never retries sooner than the provider asked", () => {
    expect(retryDelayMs(1, 9000, () => 0.1)).toBe(9000);
  });
});

describe("attempts and retries", () => {
  const queued = ev.queued({ gen: 2, attemptsBefore: 3, maxAttempts: 2, at: now.toISOString() });

  it("numbers attempts on from the last failure of the generation", () => {
    expect(attemptNumber(queued, null)).toBe(4);
    expect(attemptNumber(queued, ev.attemptFailed({ gen: 1, attempt: 3 }))).toBe(4);
    expect(attemptNumber(queued, ev.attemptFailed({ gen: 2, attempt: 4, countsAsAttempt: true }))).toBe(5);
    expect(attemptNumber(queued, ev.attemptFailed({ gen: 2, attempt: 4, countsAsAttempt: false }))).toBe(4);
  });

  const rateLimited = { code: "rate_limited", message: "x", retryable: true, retryAfterMs: 5000 };
  const overloaded = { code: "overloaded", message: "x", retryable: true, retryAfterMs: null };
  const base = { queued, random: () => 1 };

  it("a rate limit never spends an attempt, however long the task has waited or however many it used", () => {
    expect(afterFailure({ ...base, failure: rateLimited, attempt: 5 })).toEqual({
      countsAsAttempt: false,
      retryInMs: 5000,
    });
    expect(afterFailure({ ...base, failure: { ...rateLimited, retryAfterMs: null }, attempt: 500 })).toEqual({
      countsAsAttempt: false,
      retryInMs: 1000,
    });
  });
  it("retries a retryable failure until maxAttempts of the generation, then stops", () => {
    expect(afterFailure({ ...base, failure: overloaded, attempt: 4 })).toEqual({
      countsAsAttempt: true,
      retryInMs: 1000,
    });
    expect(afterFailure({ ...base, failure: overloaded, attempt: 5 })).toEqual({
      countsAsAttempt: true,
      retryInMs: null,
    });
  });
  it("never retries a fatal failure", () => {
    const fatal = { code: "invalid_request", message: "x", retryable: false, retryAfterMs: null };
    expect(afterFailure({ ...base, failure: fatal, attempt: 4 }).retryInMs).toBeNull();
  });
});

describe("fallback models", () => {
  const input = { ...ev.queued().input, model: "big", fallbackModels: ["mid", "small"] };
  const queued = ev.queued({ gen: 1, attemptsBefore: 0, maxAttempts: 2, input, at: now.toISOString() });
  const overloaded = { code: "overloaded", message: "x", retryable: true, retryAfterMs: null };
  const notFound = { code: "not_found", message: "x", retryable: false, retryAfterMs: null };
  const invalid = { code: "invalid_request", message: "x", retryable: false, retryAfterMs: null };
  const base = { queued, random: () => 1 };

  it("gives each model maxAttempts, then moves to the next one in the task's order", () => {
    expect(afterFailure({ ...base, failure: overloaded, attempt: 1 })).toEqual({
      countsAsAttempt: true,
      retryInMs: 1000,
    });
    expect(afterFailure({ ...base, failure: overloaded, attempt: 2 })).toEqual({
      countsAsAttempt: true,
      retryInMs: 1000,
      nextModel: "mid",
    });
    const onMid = { model: "mid", since: 3 };
    expect(afterFailure({ ...base, fallback: onMid, failure: overloaded, attempt: 3 }).nextModel).toBeUndefined();
    expect(afterFailure({ ...base, fallback: onMid, failure: overloaded, attempt: 4 }).nextModel).toBe("small");
    const onSmall = { model: "small", since: 5 };
    expect(afterFailure({ ...base, fallback: onSmall, failure: overloaded, attempt: 6 })).toEqual({
      countsAsAttempt: true,
      retryInMs: null,
    });
  });
  it("moves on at once from a model the provider does not know, never for a request it refuses", () => {
    expect(afterFailure({ ...base, failure: notFound, attempt: 1 }).nextModel).toBe("mid");
    expect(afterFailure({ ...base, failure: invalid, attempt: 1 })).toEqual({ countsAsAttempt: true, retryInMs: null });
  });
  it("a delivery calls the model its last failure moved to, or the fallback that failure was on", () => {
    expect(attemptModel(queued, null, 1)).toBeNull();
    expect(attemptModel(queued, ev.attemptFailed({ attempt: 1 }), 2)).toBeNull();
    expect(attemptModel(queued, ev.attemptFailed({ attempt: 2, nextModel: "mid" }), 3)).toEqual({
      model: "mid",
      since: 3,
    });
    const onMid = ev.attemptFailed({ attempt: 3, model: "mid", modelSince: 3 });
    expect(attemptModel(queued, onMid, 4)).toEqual({ model: "mid", since: 3 });
    expect(attemptModel(queued, { ...onMid, gen: 2 }, 4)).toBeNull();
  });
});
