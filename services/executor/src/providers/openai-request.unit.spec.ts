import type { ModelInput } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { toOpenAiParams } from "./openai-request.ts";
import { ProviderError } from "./provider.ts";

const BASE: ModelInput = { prompt: "hi", system: null, model: "gpt-x", maxTokens: 100, temperature: null };
const cache = { type: "ephemeral" } as const;
/** The request's JSON, as the SDK sends it: fields left `undefined` are not there. */
const wire = (input: Partial<ModelInput>) => JSON.parse(JSON.stringify(toOpenAiParams({ ...BASE, ...input })));
const SIMPLE = { model: "gpt-x", max_tokens: 100, messages: [{ role: "user", content: "hi" }] };

describe("toOpenAiParams", () => {
  it("sends a simple task as model, max_tokens and one user message, nothing else", () => {
    expect(wire({})).toEqual(SIMPLE);
  });

  it.each([
    ["temperature", { temperature: 1.4 }, { temperature: 1.4 }],
    ["stopSequences", { stopSequences: ["END", "STOP"] }, { stop: ["END", "STOP"] }],
    ["topP", { topP: 0.5 }, { top_p: 0.5 }],
    ["userId", { userId: "user-7" }, { user: "user-7" }],
    [
      "outputSchema",
      { outputSchema: { type: "object", required: ["a"] } },
      {
        response_format: {
          type: "json_schema",
          json_schema: { name: "output", schema: { type: "object", required: ["a"] } },
        },
      },
    ],
    [
      "tools, as functions",
      {
        tools: [
          {
            name: "get_weather",
            description: "Weather",
            inputSchema: { type: "object" as const },
            cacheControl: cache,
          },
        ],
      },
      {
        tools: [
          {
            type: "function",
            function: { name: "get_weather", description: "Weather", parameters: { type: "object" } },
          },
        ],
      },
    ],
    ["toolChoice auto", { toolChoice: { type: "auto" as const } }, { tool_choice: "auto" }],
    ["toolChoice any", { toolChoice: { type: "any" as const } }, { tool_choice: "required" }],
    ["toolChoice none", { toolChoice: { type: "none" as const } }, { tool_choice: "none" }],
    [
      "toolChoice tool",
      { toolChoice: { type: "tool" as const, name: "get_weather" } },
      { tool_choice: { type: "function", function: { name: "get_weather" } } },
    ],
    [
      "toolChoice with parallel calls off",
      { toolChoice: { type: "auto" as const, disableParallelToolUse: true } },
      { tool_choice: "auto", parallel_tool_calls: false },
    ],
  ] satisfies [string, Partial<ModelInput>, object][])("%s", (_, input, expected) => {
    expect(wire(input)).toEqual({ ...SIMPLE, ...expected });
  });

  it.each([
    ["topK", { topK: 40 }],
    ["serviceTier", { serviceTier: "auto" as const }],
    ["thinking", { thinking: { type: "enabled" as const, budgetTokens: 2048 } }],
  ] satisfies [string, Partial<ModelInput>][])("does not send %s: the API has no such field", (_, input) => {
    expect(wire(input)).toEqual(SIMPLE);
  });

  it("sends the system prompt first, as text, its blocks joined and their cacheControl left out", () => {
    expect(wire({ system: "be brief" }).messages[0]).toEqual({ role: "system", content: "be brief" });
    const blocks = [
      { type: "text" as const, text: "rules", cacheControl: cache },
      { type: "text" as const, text: "more" },
    ];
    expect(wire({ system: blocks }).messages[0]).toEqual({ role: "system", content: "rules\nmore" });
  });

  it("sends a conversation: images as image_url parts, text documents as text, tool calls and their results", () => {
    const messages: ModelInput["messages"] = [
      {
        role: "user",
        content: [
          { type: "text", text: "look", cacheControl: cache },
          { type: "image", source: { type: "base64", mediaType: "image/png", data: "iVBO" } },
          { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
          { type: "document", source: { type: "text", mediaType: "text/plain", data: "words" }, title: "Notes" },
          { type: "document", source: { type: "text", mediaType: "text/plain", data: "untitled" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "calling" },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "toolu_1", content: "18 °C" },
          { type: "tool_result", toolUseId: "toolu_2", content: [{ type: "text", text: "no clock" }], isError: true },
          { type: "text", text: "and?" },
        ],
      },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_3", name: "get_time", input: {} }] },
      { role: "user", content: [{ type: "tool_result", toolUseId: "toolu_3" }] },
    ];
    expect(wire({ prompt: "", messages }).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBO" } },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
          { type: "text", text: "Notes\n\nwords" },
          { type: "text", text: "untitled" },
        ],
      },
      {
        role: "assistant",
        content: "calling",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "toolu_2", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18 °C" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no clock" },
      { role: "user", content: [{ type: "text", text: "and?" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "toolu_3", type: "function", function: { name: "get_time", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "toolu_3", content: "" },
    ]);
  });

  it.each([
    [
      "a PDF",
      {
        type: "document" as const,
        source: { type: "base64" as const, mediaType: "application/pdf" as const, data: "JVBE" },
      },
      "messages[0].content[1]: a document (pdf)",
    ],
    [
      "a document by URL",
      { type: "document" as const, source: { type: "url" as const, url: "https://example.com/a.pdf" } },
      "messages[0].content[1]: a document (url)",
    ],
    [
      "an image in a tool result",
      {
        type: "tool_result" as const,
        toolUseId: "t",
        content: [{ type: "image" as const, source: { type: "url" as const, url: "https://example.com/a.png" } }],
      },
      "messages[0].content[1].content[0]: an image in a tool result",
    ],
  ])("refuses %s with a 400 naming the block", (_, block, message) => {
    const messages: ModelInput["messages"] = [{ role: "user", content: [{ type: "text", text: "read" }, block] }];
    let thrown: unknown;
    try {
      toOpenAiParams({ ...BASE, prompt: "", messages });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    expect(thrown).toMatchObject({ kind: "http", status: 400, type: "invalid_request_error" });
    expect((thrown as Error).message).toBe(`${message} cannot be sent to an OpenAI-compatible provider`);
  });
});
