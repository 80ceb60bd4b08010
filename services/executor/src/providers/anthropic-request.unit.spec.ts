import type { ModelInput } from "@taskjet/events";
import { describe, expect, it } from "vitest";
import { fromAnthropicContent, toAnthropicParams } from "./anthropic-request.ts";

const BASE: ModelInput = { prompt: "hi", system: null, model: "claude-x", maxTokens: 100, temperature: null };
const cache = { type: "ephemeral" } as const;
/** The request's JSON, as the SDK sends it: fields left `undefined` are not there. */
const wire = (input: Partial<ModelInput>) => JSON.parse(JSON.stringify(toAnthropicParams({ ...BASE, ...input })));

describe("toAnthropicParams", () => {
  it("sends a simple task as model, max_tokens and one user message, nothing else", () => {
    expect(wire({})).toEqual({ model: "claude-x", max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
  });

  it.each([
    ["system as text", { system: "be brief" }, { system: "be brief" }],
    [
      "system as blocks, cached",
      {
        system: [
          { type: "text" as const, text: "rules", cacheControl: { type: "ephemeral" as const, ttl: "1h" as const } },
        ],
      },
      { system: [{ type: "text", text: "rules", cache_control: { type: "ephemeral", ttl: "1h" } }] },
    ],
    ["temperature", { temperature: 0.3 }, { temperature: 0.3 }],
    ["stopSequences", { stopSequences: ["END"] }, { stop_sequences: ["END"] }],
    ["topP", { topP: 0.9 }, { top_p: 0.9 }],
    ["topK", { topK: 40 }, { top_k: 40 }],
    ["userId", { userId: "user-7" }, { metadata: { user_id: "user-7" } }],
    ["serviceTier", { serviceTier: "standard_only" as const }, { service_tier: "standard_only" }],
    [
      "thinking enabled",
      { thinking: { type: "enabled" as const, budgetTokens: 2048 } },
      { thinking: { type: "enabled", budget_tokens: 2048 } },
    ],
    ["thinking adaptive", { thinking: { type: "adaptive" as const } }, { thinking: { type: "adaptive" } }],
    ["thinking disabled", { thinking: { type: "disabled" as const } }, { thinking: { type: "disabled" } }],
    [
      "outputSchema",
      { outputSchema: { type: "object", properties: { a: { type: "string" } } } },
      {
        output_config: {
          format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } } } },
        },
      },
    ],
    [
      "tools",
      {
        tools: [
          {
            name: "get_weather",
            description: "Weather",
            inputSchema: { type: "object" as const },
            cacheControl: cache,
          },
          { name: "plain", inputSchema: { type: "object" as const, properties: {} } },
        ],
      },
      {
        tools: [
          { name: "get_weather", description: "Weather", input_schema: { type: "object" }, cache_control: cache },
          { name: "plain", input_schema: { type: "object", properties: {} } },
        ],
      },
    ],
    ["toolChoice auto", { toolChoice: { type: "auto" as const } }, { tool_choice: { type: "auto" } }],
    [
      "toolChoice any, one call at a time",
      { toolChoice: { type: "any" as const, disableParallelToolUse: true } },
      { tool_choice: { type: "any", disable_parallel_tool_use: true } },
    ],
    [
      "toolChoice tool",
      { toolChoice: { type: "tool" as const, name: "get_weather" } },
      { tool_choice: { type: "tool", name: "get_weather" } },
    ],
    ["toolChoice none", { toolChoice: { type: "none" as const } }, { tool_choice: { type: "none" } }],
  ] satisfies [string, Partial<ModelInput>, object][])("%s", (_, input, expected) => {
    expect(wire(input)).toEqual({ ...wire({}), ...expected });
  });

  it("sends every block of a conversation in the API's words", () => {
    const png = "iVBORw0KGgo=";
    const messages: ModelInput["messages"] = [
      {
        role: "user",
        content: [
          { type: "text", text: "look", cacheControl: cache },
          { type: "image", source: { type: "base64", mediaType: "image/png", data: png } },
          { type: "image", source: { type: "url", url: "https://example.com/a.png" }, cacheControl: cache },
          {
            type: "document",
            source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
            title: "Spec",
            context: "the spec",
            citations: { enabled: true },
          },
          { type: "document", source: { type: "text", mediaType: "text/plain", data: "plain words" } },
          { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "calling" },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolUseId: "toolu_1", content: "18 °C", isError: false, cacheControl: cache },
          {
            type: "tool_result",
            toolUseId: "toolu_2",
            content: [
              { type: "text", text: "chart" },
              { type: "image", source: { type: "base64", mediaType: "image/gif", data: "R0lG" } },
            ],
            isError: true,
          },
        ],
      },
    ];
    expect(wire({ prompt: "", messages }).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look", cache_control: cache },
          { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
          { type: "image", source: { type: "url", url: "https://example.com/a.png" }, cache_control: cache },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
            title: "Spec",
            context: "the spec",
            citations: { enabled: true },
          },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "plain words" } },
          { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "hmm", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "text", text: "calling" },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18 °C", is_error: false, cache_control: cache },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: [
              { type: "text", text: "chart" },
              { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lG" } },
            ],
            is_error: true,
          },
        ],
      },
    ]);
  });

  it("sends string turns as they are, the prompt left out when there is a conversation", () => {
    const messages: ModelInput["messages"] = [
      { role: "user", content: "one" },
      { role: "assistant", content: "two" },
      { role: "user", content: "three" },
    ];
    expect(wire({ prompt: "", messages }).messages).toEqual(messages);
  });
});

describe("fromAnthropicContent", () => {
  it("keeps text, thinking with its signature, redacted thinking and tool calls, in the task's words", () => {
    expect(
      fromAnthropicContent([
        { type: "thinking", thinking: "hmm", signature: "sig" },
        { type: "redacted_thinking", data: "opaque" },
        { type: "text", text: "Paris", citations: null },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" }, caller: { type: "direct" } },
      ] as Parameters<typeof fromAnthropicContent>[0]),
    ).toEqual([
      { type: "thinking", thinking: "hmm", signature: "sig" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Paris" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
    ]);
  });

  it("leaves out blocks of server tools a task cannot ask for", () => {
    const server = { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} };
    expect(fromAnthropicContent([server] as unknown as Parameters<typeof fromAnthropicContent>[0])).toEqual([]);
  });
});
