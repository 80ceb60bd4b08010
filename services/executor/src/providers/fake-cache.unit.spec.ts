import type { ModelInput } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { cachePrefix, promptCache } from "./fake-cache.ts";

const BASE: ModelInput = { prompt: "question", system: null, model: "fake", maxTokens: 100, temperature: null };
const cache = { type: "ephemeral" } as const;
const cachedSystem = (text: string): Partial<ModelInput> => ({ system: [{ type: "text", text, cacheControl: cache }] });

describe("cachePrefix", () => {
  it("is null when nothing is marked", () => {
    expect(cachePrefix({ ...BASE, system: "plain" })).toBeNull();
  });

  it("runs to the last marked block, in the API's order: tools, system, messages", () => {
    const tool = { name: "t", inputSchema: { type: "object" as const }, cacheControl: cache };
    const withTool = cachePrefix({ ...BASE, tools: [tool], system: "s" });
    expect(withTool).toBe(JSON.stringify(["fake", [tool]]));
    const messages: ModelInput["messages"] = [
      {
        role: "user",
        content: [
          { type: "text", text: "long document", cacheControl: cache },
          { type: "text", text: "q1" },
        ],
      },
    ];
    expect(cachePrefix({ ...BASE, prompt: "", messages })).toBe(
      JSON.stringify(["fake", [{ type: "text", text: "long document", cacheControl: cache }]]),
    );
  });

  it("differs by model, as the API's cache does", () => {
    expect(cachePrefix({ ...BASE, ...cachedSystem("s") })).not.toBe(
      cachePrefix({ ...BASE, ...cachedSystem("s"), model: "other" }),
    );
  });
});

describe("promptCache", () => {
  it("writes a prefix on its first call, reads it on later ones; unmarked calls have no cache usage", () => {
    const c = promptCache();
    const req = { ...BASE, ...cachedSystem("a long system prompt that is worth caching") };
    const first = c.usage(req, 100);
    expect(first).toEqual({
      inputTokens: 100 - (first.cacheCreationInputTokens ?? 0),
      cacheCreationInputTokens: expect.any(Number),
    });
    expect(first.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(c.usage({ ...req, prompt: "another question" }, 100)).toEqual({
      inputTokens: first.inputTokens,
      cacheReadInputTokens: first.cacheCreationInputTokens,
    });
    expect(c.usage(BASE, 100)).toEqual({ inputTokens: 100 });
  });

  it("forgets the least recently used prefix past its bound", () => {
    const c = promptCache(2);
    const [a, b, d] = ["a", "b", "d"].map((s) => ({ ...BASE, ...cachedSystem(s) }) as ModelInput);
    const wrote = (r: ModelInput) => "cacheCreationInputTokens" in c.usage(r, 10);
    expect([wrote(a as ModelInput), wrote(b as ModelInput), wrote(a as ModelInput)]).toEqual([true, true, false]);
    expect(wrote(d as ModelInput)).toBe(true); // b, the least recently used, is forgotten
    expect([wrote(a as ModelInput), wrote(b as ModelInput)]).toEqual([false, true]);
  });
});
