import type { ModelInput } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { fakeOutput, fakeReply } from "./fake-reply.ts";

const BASE: ModelInput = { prompt: "hello there", system: null, model: "fake", maxTokens: 100, temperature: null };
const reply = (input: Partial<ModelInput>, opts?: Parameters<typeof fakeReply>[1]) =>
  fakeReply({ ...BASE, ...input }, opts);
const weather = {
  name: "get_weather",
  inputSchema: {
    type: "object" as const,
    properties: { city: { type: "string" }, unit: { enum: ["celsius", "fahrenheit"] } },
    required: ["city", "unit"],
  },
};
const clock = { name: "get_time", inputSchema: { type: "object" as const } };

describe("fakeReply", () => {
  it("echoes the prompt, as it always has", () => {
    expect(reply({})).toEqual({
      content: [{ type: "text", text: "Fake reply to: hello there" }],
      stopReason: "end_turn",
    });
  });

  it("echoes the last user turn of a conversation", () => {
    const messages: ModelInput["messages"] = [
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: [{ type: "text", text: "second" }] },
    ];
    expect(reply({ prompt: "", messages }).content).toEqual([{ type: "text", text: "Fake reply to: second" }]);
  });

  it("calls the first tool, with an input made from its schema", () => {
    const r = reply({ tools: [weather, clock] });
    expect(r.stopReason).toBe("tool_use");
    expect(r.content).toEqual([
      {
        type: "tool_use",
        id: expect.stringMatching(/^toolu_fake_/),
        name: "get_weather",
        input: { city: "sample city", unit: "celsius" },
      },
    ]);
    expect(reply({ tools: [weather, clock] })).toEqual(r); // deterministic, id and all
  });

  it("calls the tool toolChoice names, and none when it says none", () => {
    expect(reply({ tools: [weather, clock], toolChoice: { type: "tool", name: "get_time" } }).content).toEqual([
      { type: "tool_use", id: expect.any(String), name: "get_time", input: {} },
    ]);
    expect(reply({ tools: [weather], toolChoice: { type: "none" } })).toEqual(reply({}));
  });

  it("answers a tool's result with text that mentions it, tools or not", () => {
    const messages: ModelInput["messages"] = [
      { role: "user", content: "weather in Paris?" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "get_weather", input: { city: "Paris" } }] },
      { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "18 °C, clear" }] },
    ];
    expect(reply({ prompt: "", messages, tools: [weather] })).toEqual({
      content: [{ type: "text", text: "Fake reply to the tool's result: 18 °C, clear" }],
      stopReason: "end_turn",
    });
    const failed = [
      ...messages.slice(0, 2),
      {
        role: "user" as const,
        content: [{ type: "tool_result" as const, toolUseId: "t1", content: "no network", isError: true }],
      },
    ];
    expect(reply({ prompt: "", messages: failed }).content).toEqual([
      { type: "text", text: "Fake reply to the tool's error: no network" },
    ]);
  });

  it.each([[{ type: "enabled" as const, budgetTokens: 1024 }], [{ type: "adaptive" as const }]])(
    "thinks first when thinking is %o, then answers",
    (thinking) => {
      const r = reply({ thinking });
      expect(r.content).toEqual([
        {
          type: "thinking",
          thinking: expect.stringContaining('"hello there"'),
          signature: expect.stringMatching(/^fake-signature-/),
        },
        { type: "text", text: "Fake reply to: hello there" },
      ]);
      expect(reply({ thinking: { type: "disabled" } })).toEqual(reply({}));
    },
  );

  it("answers JSON its outputSchema accepts, or, when asked, JSON it does not", () => {
    const outputSchema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
    };
    expect(reply({ outputSchema }).content).toEqual([{ type: "text", text: '{"name":"sample name","age":1}' }]);
    const invalid = reply({ outputSchema }, { invalid: true }).content[0];
    expect(invalid?.type === "text" && typeof JSON.parse(invalid.text)).toBe("string");
  });

  it("says which images and documents came with the turn", () => {
    const messages: ModelInput["messages"] = [
      {
        role: "user",
        content: [
          {
            type: "image",
            source: { type: "base64", mediaType: "image/png", data: Buffer.alloc(68).toString("base64") },
          },
          { type: "document", source: { type: "text", mediaType: "text/plain", data: "twelve chars" } },
          { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
          { type: "text", text: "What are these?" },
        ],
      },
    ];
    expect(reply({ prompt: "", messages }).content).toEqual([
      {
        type: "text",
        text:
          "Fake reply to: What are these? (with an image (image/png, 68 bytes) and a document (text/plain, 12 characters)" +
          " and a document (https://example.com/a.pdf))",
      },
    ]);
  });

  it("cuts a reply longer than maxTokens words, and says so", () => {
    expect(reply({ prompt: "one two three four five", maxTokens: 4 })).toEqual({
      content: [{ type: "text", text: "Fake reply to: one" }],
      stopReason: "max_tokens",
    });
    expect(reply({ prompt: "one two", maxTokens: 5 }).stopReason).toBe("end_turn");
  });

  it("stops at the first stop sequence, and says so", () => {
    expect(reply({ prompt: "count: one, two, three", stopSequences: ["three", "two"] })).toEqual({
      content: [{ type: "text", text: "Fake reply to: count: one, " }],
      stopReason: "stop_sequence",
    });
    expect(reply({ prompt: "a b c d e f", stopSequences: ["f"], maxTokens: 3 }).stopReason).toBe("max_tokens");
    expect(reply({ prompt: "nothing here", stopSequences: ["zzz"] }).stopReason).toBe("end_turn");
  });

  it("pads to replyChars, as a benchmark asks", () => {
    expect(reply({ prompt: "ab" }, { replyChars: 20 }).content).toEqual([{ type: "text", text: fakeOutput("ab", 20) }]);
  });
});
