import { describe, expect, it } from "vitest";
import { fromOpenAiStopReason, fromOpenAiUsage, openAiReply } from "./openai-reply.ts";
import { ProviderError } from "./provider.ts";

type Delta = Parameters<ReturnType<typeof openAiReply>["add"]>[0];

describe("openAiReply", () => {
  it("folds text and streamed tool calls into blocks, numbered as they begin, with their pieces", () => {
    const reply = openAiReply();
    const deltas: Delta[] = [
      { role: "assistant", content: "" },
      { content: "Let me " },
      { content: "check." },
      { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 1, id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      {},
      undefined,
    ];
    const pieces = deltas.flatMap((d) => reply.add(d));
    expect(pieces).toEqual([
      { text: "Let me ", part: { kind: "text", block: 0 } },
      { text: "check.", part: { kind: "text", block: 0 } },
      { text: '{"city":', part: { kind: "tool_input", block: 1 } },
      { text: "{}", part: { kind: "tool_input", block: 2 } },
      { text: '"Paris"}', part: { kind: "tool_input", block: 1 } },
    ]);
    expect(reply.text()).toBe("Let me check.");
    expect(reply.content()).toEqual([
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_2", name: "get_time", input: {} },
    ]);
  });

  it("answers a call with no arguments with an empty input, and a reply of nothing with no blocks", () => {
    const reply = openAiReply();
    reply.add({ tool_calls: [{ index: 0, id: "call_1", function: { name: "ping" } }] });
    expect(reply.content()).toEqual([{ type: "tool_use", id: "call_1", name: "ping", input: {} }]);
    expect(openAiReply().content()).toEqual([]);
  });

  it.each(["{not json", "[1,2]", '"text"'])("refuses a call whose arguments are %s, as a server error", (args) => {
    const reply = openAiReply();
    reply.add({ tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: args } }] });
    expect(() => reply.content()).toThrow(ProviderError);
    expect(() => reply.content()).toThrow(/call_1 \(f\)/);
  });
});

describe("fromOpenAiStopReason", () => {
  it.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
    ["function_call", "function_call"],
    [null, null],
  ])("%s → %s", (reason, expected) => {
    expect(fromOpenAiStopReason(reason)).toBe(expected);
  });
});

describe("fromOpenAiUsage", () => {
  const usage = (prompt: number, completion: number, cached?: number) => ({
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: cached } }),
  });

  it.each([
    ["no details (a compatible server)", usage(1200, 40), { inputTokens: 1200, outputTokens: 40 }],
    ["none cached", usage(1200, 40, 0), { inputTokens: 1200, outputTokens: 40, cacheReadInputTokens: 0 }],
    [
      "part cached: input is the uncached rest",
      usage(1200, 40, 1024),
      { inputTokens: 176, outputTokens: 40, cacheReadInputTokens: 1024 },
    ],
    [
      "more cached than sent (a confused server)",
      usage(10, 1, 50),
      { inputTokens: 0, outputTokens: 1, cacheReadInputTokens: 10 },
    ],
  ])("%s", (_row, u, expected) => {
    expect(fromOpenAiUsage(u)).toEqual(expected);
  });
});
