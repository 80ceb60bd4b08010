import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBlock, startFakeLlm } from "./fake-llm.ts";

// Scripted content blocks, as each API answers them without streaming (the SDK tests stream them), and the
// prompt the fake routes by: the last user turn's text, whichever API carried it.
const content: FakeBlock[] = [
  { type: "thinking", thinking: "Paris, surely.", signature: "sig-1" },
  { type: "text", text: "Let me look." },
  { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
];

let fake: Awaited<ReturnType<typeof startFakeLlm>>;
beforeAll(async () => {
  fake = await startFakeLlm(() => ({ kind: "message", text: "", content }));
});
afterAll(() => fake.close());

async function post(path: string, body: object) {
  const res = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe("startFakeLlm with scripted content", () => {
  it("answers Anthropic's Messages API with every block, stopping for the tool call", async () => {
    const messages = [
      { role: "user", content: "weather?" },
      { role: "assistant", content: [{ type: "tool_use", id: "t0", name: "get_weather", input: {} }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t0", content: [{ type: "text", text: "no data" }] },
          { type: "text", text: "try again" },
        ],
      },
    ];
    const reply = await post("/v1/messages", { model: "claude-test", max_tokens: 100, messages });
    expect(reply).toMatchObject({ content, stop_reason: "tool_use", usage: { output_tokens: 6 } }); // words: 2 thought, 3 said, 1 of JSON
    expect(fake.requests.at(-1)?.prompt).toBe("no data\ntry again");
  });

  it("answers chat completions with the text and tool_calls, leaving the thinking out", async () => {
    const messages = [
      { role: "system", content: "be brief" },
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t0", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t0", content: "no data" },
    ];
    const reply = await post("/v1/chat/completions", { model: "gpt-test", max_tokens: 100, messages });
    expect(reply.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Let me look.",
          tool_calls: [
            { id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          ],
        },
        finish_reason: "tool_calls",
      },
    ]);
    expect(fake.requests.at(-1)?.prompt).toBe("no data");
  });
});
