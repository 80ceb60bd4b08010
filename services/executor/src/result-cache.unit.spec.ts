import { ev } from "@taskjet/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { isFresh, requestKey } from "./result-cache.ts";

describe("the result cache's key", () => {
  const input = { ...ev.queued().input, temperature: 0, cache: { ttlSeconds: 60 } };

  it("is the same for the same request, whatever only Taskjet reads", () => {
    expect(requestKey("anthropic", input)).toBe(requestKey("anthropic", { ...input }));
    expect(requestKey("anthropic", input)).toBe(
      requestKey("anthropic", { ...input, cache: { ttlSeconds: 5 }, fallbackModels: ["x"], userId: "u1" }),
    );
  });

  it("differs for anything the provider sees", () => {
    const key = requestKey("anthropic", input);
    expect(requestKey("openai", input)).not.toBe(key);
    for (const change of [
      { model: "other" },
      { prompt: "other" },
      { system: "be brief" },
      { maxTokens: 7 },
      { temperature: 0.5 },
      { topK: 3 },
      { stopSequences: ["END"] },
      { outputSchema: { type: "object" } },
      { thinking: { type: "enabled" as const, budgetTokens: 2048 } },
    ]) {
      expect(requestKey("anthropic", { ...input, ...change }), JSON.stringify(change)).not.toBe(key);
    }
  });

  it("a prompt and the same prompt as one user message are one request", () => {
    expect(requestKey("anthropic", { ...input, prompt: "", messages: [{ role: "user", content: input.prompt }] })).toBe(
      requestKey("anthropic", input),
    );
  });

  it("an entry is fresh for a task up to its own ttl", () => {
    expect(isFresh(1000, 60, 61_000)).toBe(true);
    expect(isFresh(1000, 60, 61_001)).toBe(false);
  });
});
