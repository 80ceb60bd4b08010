import { costUsd, DEFAULT_PRICES } from "@taskjet/events";
import { anthropicProvider, openaiProvider } from "@taskjet/executor";
import {
  createTestContext,
  type Reply,
  type SeenRequest,
  startFakeLlm,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishedTask, postJson, startSystem } from "./system.ts";
import { connectWs } from "./ws-client.ts";

/**
 * The whole Messages API through a task, over HTTP and the WebSocket, against the real Anthropic and OpenAI
 * SDKs talking to the testkit's fake server: each test scripts the server's replies by a token in its request.
 */
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let fake: Awaited<ReturnType<typeof startFakeLlm>>;
let baseUrl: string;
const scripts = new Map<string, (seen: SeenRequest, n: number) => Reply>();

/** Which script a request follows: the first whose token appears anywhere in its body. */
function replyTo(seen: SeenRequest): Reply {
  const body = JSON.stringify(seen.body);
  for (const [token, script] of scripts) {
    if (body.includes(token)) return script(seen, requestsFor(token).length);
  }
  return { kind: "message", text: "unscripted" };
}
const requestsFor = (token: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(token));
const script = (token: string, s: (seen: SeenRequest, n: number) => Reply) => {
  scripts.set(token, s);
  return token;
};

type Task = Record<string, unknown> & { id: string; status: string };
const finished = (id: string) => finishedTask<Task>(baseUrl, id);
const eventsOf = async (id: string) =>
  (
    (await (await fetch(`${baseUrl}/tasks/${id}/events`)).json()) as {
      events: { type: string; payload: Record<string, unknown> }[];
    }
  ).events;
const submit = async (body: Record<string, unknown>) => {
  const res = await postJson(`${baseUrl}/tasks`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id;
};

beforeAll(async () => {
  ctx = await createTestContext("messages-api");
  fake = await startFakeLlm(replyTo);
  const anthropic = anthropicProvider({ apiKey: "sk-test", baseURL: fake.url });
  const openai = openaiProvider({ apiKey: "sk-test", baseURL: `${fake.url}/v1` });
  const price = (model: string, usage: Parameters<typeof costUsd>[1]) => costUsd(model, usage, DEFAULT_PRICES);
  system = await startSystem(ctx, { llm: anthropic, providers: { openai }, price });
  baseUrl = system.baseUrl;
});
afterAll(async () => {
  await system?.stop();
  await fake?.close();
  await ctx.cleanup();
});

const weatherTool = {
  name: "get_weather",
  description: "The current weather in a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the Messages API through a task", () => {
  it.each(["anthropic", "openai"] as const)(
    "runs a three-turn conversation with a tool call and its result (%s)",
    async (provider) => {
      const token = script(`weather-${provider}`, (seen) =>
        JSON.stringify(seen.body).includes("18 °C")
          ? { kind: "message", text: "It is 18 °C and clear in Paris." }
          : {
              kind: "message",
              text: "",
              stopReason: provider === "anthropic" ? "tool_use" : "tool_calls",
              content: [{ type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } }],
            },
      );
      const question = { role: "user", content: `What is the weather in Paris? (${token})` };
      const first = await finished(await submit({ messages: [question], tools: [weatherTool], provider }));
      expect(first).toMatchObject({ status: "completed", stopReason: "tool_use", prompt: "" });
      const call = (first.content as { type: string; id: string; input: unknown }[]).find((b) => b.type === "tool_use");
      expect(call).toMatchObject({ name: "get_weather", input: { city: "Paris" } });

      const messages = [
        question,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", toolUseId: call?.id, content: "18 °C, clear" }] },
      ];
      const second = await finished(await submit({ messages, tools: [weatherTool], provider }));
      expect(second).toMatchObject({ status: "completed", output: "It is 18 °C and clear in Paris.", messages });

      const seen = requestsFor(token).at(-1)?.body as unknown as Record<string, unknown>;
      const wire = JSON.stringify(seen.messages);
      if (provider === "anthropic") {
        expect(seen.messages).toHaveLength(3);
        expect(wire).toContain('"tool_use_id":"toolu_01"');
        expect(seen.tools).toEqual([
          { name: "get_weather", description: weatherTool.description, input_schema: weatherTool.inputSchema },
        ]);
      } else {
        expect(wire).toContain('"tool_calls"');
        expect(wire).toContain('"role":"tool"');
        expect(wire).toContain('"tool_call_id":"toolu_01"');
      }
    },
  );

  it("sends an image block to the model", async () => {
    const token = script("image-block", () => ({ kind: "message", text: "A red dot." }));
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const content = [
      { type: "image", source: { type: "base64", mediaType: "image/png", data: png } },
      { type: "text", text: `What is in this picture? (${token})` },
    ];
    const task = await finished(await submit({ messages: [{ role: "user", content }] }));
    expect(task).toMatchObject({ status: "completed", output: "A red dot." });
    expect(requestsFor(token)[0]?.body.messages[0]?.content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
      { type: "text", text: `What is in this picture? (${token})` },
    ]);
  });

  it("streams thinking and answer deltas over the WebSocket, by kind, and keeps every block", async () => {
    const token = script("thinking", () => ({
      kind: "message",
      text: "",
      pieceDelayMs: 20,
      content: [
        { type: "thinking", thinking: "Two primes differ by two when they are twin primes.", signature: "sig-1" },
        { type: "text", text: "Yes: 3 and 5, 5 and 7, 11 and 13." },
      ],
    }));
    const id = await submit({
      prompt: `Are there twin primes? (${token})`,
      maxTokens: 4096,
      thinking: { type: "enabled", budgetTokens: 2048 },
    });
    // Output is followed by id: what was generated before the subscription is replayed, the rest comes live.
    const ws = await connectWs(baseUrl);
    ws.send({ type: "subscribe", taskIds: [id] });
    const task = await finished(id);
    expect(task.content).toEqual([
      { type: "thinking", thinking: "Two primes differ by two when they are twin primes.", signature: "sig-1" },
      { type: "text", text: "Yes: 3 and 5, 5 and 7, 11 and 13." },
    ]);
    expect(requestsFor(token)[0]?.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 2048 } });
    const deltas = await waitFor(
      () => {
        const mine = ws.messages.filter((m) => m.type === "delta" && m.taskId === id);
        const text = (kind: string) =>
          mine
            .filter((m) => m.kind === kind)
            .map((m) => m.text)
            .join("");
        return text("text") === task.output ? { thinking: text("thinking"), text: text("text") } : undefined;
      },
      { what: "every delta over the socket" },
    );
    expect(deltas.thinking).toBe("Two primes differ by two when they are twin primes.");
    ws.close();
  });

  it("fails an attempt whose output does not match outputSchema, and retries it into success", async () => {
    const token = script("extract", (_seen, n) => ({
      kind: "message",
      text: n === 1 ? "Ada is 36." : '{"name":"Ada","age":36}',
    }));
    const outputSchema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
    };
    const id = await submit({ prompt: `Extract name and age: Ada, 36 (${token})`, outputSchema, maxAttempts: 3 });
    const task = await finished(id);
    expect(task).toMatchObject({ status: "completed", output: '{"name":"Ada","age":36}', attempts: 2 });
    const failure = (await eventsOf(id)).find((e) => e.type === "TaskAttemptFailed");
    expect(failure?.payload).toMatchObject({ attempt: 1, retryable: true, error: { code: "output_invalid" } });
    expect(requestsFor(token)[0]?.body).toMatchObject({
      output_config: { format: { type: "json_schema", schema: outputSchema } },
    });
  });

  it("shows a max_tokens truncation as stopReason", async () => {
    const token = script("truncated", () => ({ kind: "message", text: "Once upon a", stopReason: "max_tokens" }));
    const task = await finished(await submit({ prompt: `Tell a long story (${token})`, maxTokens: 3 }));
    expect(task).toMatchObject({ status: "completed", output: "Once upon a", stopReason: "max_tokens" });
  });

  it("falls back to the next model when the model stays overloaded, and records it", async () => {
    const token = script("fallback", (seen) =>
      seen.body.model === "claude-busy"
        ? { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" }
        : { kind: "message", text: "answered by the fallback" },
    );
    const id = await submit({
      prompt: `Say something (${token})`,
      model: "claude-busy",
      fallbackModels: ["claude-haiku-4-5"],
      maxAttempts: 2,
    });
    const task = await finished(id);
    expect(task).toMatchObject({ status: "completed", model: "claude-haiku-4-5", output: "answered by the fallback" });
    const history = (await eventsOf(id)).map((e) => ({ type: e.type, ...e.payload }));
    const failures = history.filter((e) => e.type === "TaskAttemptFailed");
    expect(failures).toMatchObject([
      { attempt: 1, error: { code: "overloaded" } },
      { attempt: 2, error: { code: "overloaded" }, nextModel: "claude-haiku-4-5" },
    ]);
    expect(history.filter((e) => e.type === "TaskStarted").at(-1)).toMatchObject({
      attempt: 3,
      model: "claude-haiku-4-5",
    });
    expect(requestsFor(token).map((r) => r.body.model)).toEqual(["claude-busy", "claude-busy", "claude-haiku-4-5"]);
  });

  it("costs what the price table says of its usage, prompt-cache tokens included", async () => {
    const token = script("priced", () => ({
      kind: "message",
      text: "one two three four five",
      inputTokens: 1200,
      cache: { creationInputTokens: 3000, readInputTokens: 40_000 },
    }));
    const system = [{ type: "text", text: "A long, cached system prompt.", cacheControl: { type: "ephemeral" } }];
    const task = await finished(await submit({ prompt: `Go (${token})`, model: "claude-sonnet-4-5", system }));
    expect(task.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 5,
      cacheCreationInputTokens: 3000,
      cacheReadInputTokens: 40_000,
    });
    // Sonnet 4.5's list prices per million tokens: $3 in, $15 out, $3.75 cache write, $0.30 cache read.
    const expected = (1200 * 3 + 5 * 15 + 3000 * 3.75 + 40_000 * 0.3) / 1e6;
    expect(task.costUsd).toBeCloseTo(expected, 12);
    expect(requestsFor(token)[0]?.body.system).toEqual([
      { type: "text", text: "A long, cached system prompt.", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("completes an identical request from the result cache: no call, no cost", async () => {
    const token = script("result-cache", () => ({ kind: "message", text: "Paris." }));
    const body = { prompt: `The capital of France? (${token})`, temperature: 0, cache: { ttlSeconds: 600 } };
    const first = await finished(await submit(body));
    expect(first).toMatchObject({ status: "completed", output: "Paris.", cached: false });
    const id = await submit(body);
    const again = await finished(id);
    expect(again).toMatchObject({ status: "completed", output: "Paris.", cached: true, costUsd: 0 });
    expect(requestsFor(token)).toHaveLength(1);
    const completed = (await eventsOf(id)).find((e) => e.type === "TaskCompleted");
    expect(completed?.payload).toMatchObject({ cached: true, cachedFrom: first.id });
    // Another temperature is another request.
    await finished(await submit({ ...body, temperature: undefined, cache: undefined }));
    expect(requestsFor(token)).toHaveLength(2);
  });

  it("refuses what the Messages API would refuse, naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ prompt: "x", messages: [{ role: "user", content: "y" }] }, "body.prompt"],
      [
        {
          messages: [
            {
              role: "user",
              content: [{ type: "image", source: { type: "base64", mediaType: "image/bmp", data: "AA==" } }],
            },
          ],
        },
        "body.messages.0.content",
      ],
      [{ prompt: "x", temperature: 1.5 }, "body.temperature"],
      [
        { prompt: "x", maxTokens: 2000, thinking: { type: "enabled", budgetTokens: 2000 } },
        "body.thinking.budgetTokens",
      ],
      [{ prompt: "x", toolChoice: { type: "any" } }, "body.toolChoice"],
      [{ prompt: "x", cache: { ttlSeconds: 60 } }, "body.cache"],
      [{ prompt: "x", outputSchema: { type: "nonsense" } }, "body.outputSchema"],
      [{ prompt: "x", tools: [{ name: "bad name!", inputSchema: { type: "object" } }] }, "body.tools.0.name"],
      [{ prompt: "x", fallbackModels: ["claude-sonnet-4-5", "claude-sonnet-4-5"] }, "body.fallbackModels"],
      [
        { messages: [{ role: "user", content: [{ type: "text", text: "nul\u0000" }] }] },
        "body.messages.0.content.0.text",
      ],
    ];
    for (const [body, path] of cases) {
      const res = await postJson(`${baseUrl}/tasks`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = res.body.error as { code: string; details: { path: string }[] };
      expect(error.code).toBe("invalid_request");
      expect(error.details.map((d) => d.path).join(" "), JSON.stringify(body)).toContain(path);
    }
  });
});
