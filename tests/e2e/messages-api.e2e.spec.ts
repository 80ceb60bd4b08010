import { costUsd, DEFAULT_PRICES, type Usage } from "@taskjet/events";
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

const providers = ["anthropic", "openai"] as const;
/** What each API's request says, and which models a test names, where the two differ. */
const wire = {
  anthropic: {
    model: "claude-sonnet-4-6",
    small: "claude-haiku-4-5",
    image: (data: string) => ({ type: "image", source: { type: "base64", media_type: "image/png", data } }),
    outputSchema: (schema: object) => ({ output_config: { format: { type: "json_schema", schema } } }),
    // Anthropic says overloaded with a 529; OpenAI with a 503 (any 5xx after the model's retries falls back).
    busy: { kind: "error", status: 529, type: "overloaded_error", message: "Overloaded", code: "overloaded" },
  },
  openai: {
    model: "gpt-4.1-mini",
    small: "gpt-4o-mini",
    image: (data: string) => ({ type: "image_url", image_url: { url: `data:image/png;base64,${data}` } }),
    outputSchema: (schema: object) => ({
      response_format: { type: "json_schema", json_schema: { name: "output", schema } },
    }),
    busy: {
      kind: "error",
      status: 503,
      type: "server_error",
      message: "The engine is overloaded",
      code: "server_error",
    },
  },
} as const;

const weatherTool = {
  name: "get_weather",
  description: "The current weather in a city",
  inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the Messages API through a task", () => {
  it.each(providers)("runs a three-turn conversation with a tool call and its result (%s)", async (provider) => {
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
  });

  it.each(providers)("sends an image block to the model (%s)", async (provider) => {
    const token = script(`image-block-${provider}`, () => ({ kind: "message", text: "A red dot." }));
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const content = [
      { type: "image", source: { type: "base64", mediaType: "image/png", data: png } },
      { type: "text", text: `What is in this picture? (${token})` },
    ];
    const task = await finished(await submit({ messages: [{ role: "user", content }], provider }));
    expect(task).toMatchObject({ status: "completed", output: "A red dot." });
    const [seen] = requestsFor(token);
    expect(seen?.api).toBe(provider);
    expect(seen?.body.messages[0]?.content).toEqual([
      wire[provider].image(png),
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

  it.each(providers)(
    "fails an attempt whose output does not match outputSchema, and retries it (%s)",
    async (provider) => {
      const token = script(`extract-${provider}`, (_seen, n) => ({
        kind: "message",
        text: n === 1 ? "Ada is 36." : '{"name":"Ada","age":36}',
      }));
      const outputSchema = {
        type: "object",
        properties: { name: { type: "string" }, age: { type: "integer" } },
        required: ["name", "age"],
      };
      const prompt = `Extract name and age: Ada, 36 (${token})`;
      const id = await submit({ prompt, outputSchema, maxAttempts: 3, provider });
      const task = await finished(id);
      expect(task).toMatchObject({ status: "completed", output: '{"name":"Ada","age":36}', attempts: 2 });
      const failure = (await eventsOf(id)).find((e) => e.type === "TaskAttemptFailed");
      expect(failure?.payload).toMatchObject({ attempt: 1, retryable: true, error: { code: "output_invalid" } });
      expect(requestsFor(token).map((r) => r.api)).toEqual([provider, provider]);
      expect(requestsFor(token)[0]?.body).toMatchObject(wire[provider].outputSchema(outputSchema));
    },
  );

  it.each(providers)(
    "fails an outputSchema task the model refuses at once, not as output_invalid (%s)",
    async (provider) => {
      // Scripted in Anthropic's word; the fake's chat completions says it as finish_reason `content_filter`.
      const token = script(`refused-${provider}`, () => ({
        kind: "message",
        text: "I can't help with that.",
        stopReason: "refusal",
      }));
      const outputSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
      const id = await submit({ prompt: `Extract a name (${token})`, outputSchema, maxAttempts: 3, provider });
      const task = await finished(id);
      expect(task).toMatchObject({ status: "failed", attempts: 1, error: { code: "refused" } });
      const failures = (await eventsOf(id)).filter((e) => e.type === "TaskAttemptFailed");
      expect(failures.map((e) => e.payload)).toMatchObject([
        { attempt: 1, retryable: false, error: { code: "refused" }, output: "I can't help with that." },
      ]);
      expect(requestsFor(token)).toHaveLength(1);
    },
  );

  it.each(providers)("shows a max_tokens truncation as stopReason (%s)", async (provider) => {
    // Scripted in Anthropic's word; the fake's chat completions says it as finish_reason `length`.
    const token = script(`truncated-${provider}`, () => ({
      kind: "message",
      text: "Once upon a",
      stopReason: "max_tokens",
    }));
    const task = await finished(await submit({ prompt: `Tell a long story (${token})`, maxTokens: 3, provider }));
    expect(task).toMatchObject({ status: "completed", output: "Once upon a", stopReason: "max_tokens" });
    expect(requestsFor(token)[0]).toMatchObject({ api: provider, body: { max_tokens: 3 } });
  });

  it.each(providers)(
    "falls back to the next model when the model stays overloaded, and records it (%s)",
    async (provider) => {
      const { small, busy } = wire[provider];
      const token = script(`fallback-${provider}`, (seen) =>
        seen.body.model === "model-busy" ? busy : { kind: "message", text: "answered by the fallback" },
      );
      const id = await submit({
        prompt: `Say something (${token})`,
        model: "model-busy",
        fallbackModels: [small],
        maxAttempts: 2,
        provider,
      });
      const task = await finished(id);
      expect(task).toMatchObject({ status: "completed", model: small, output: "answered by the fallback" });
      const history = (await eventsOf(id)).map((e) => ({ type: e.type, ...e.payload }));
      const failures = history.filter((e) => e.type === "TaskAttemptFailed");
      expect(failures).toMatchObject([
        { attempt: 1, error: { code: busy.code } },
        { attempt: 2, error: { code: busy.code }, nextModel: small },
      ]);
      expect(history.filter((e) => e.type === "TaskStarted").at(-1)).toMatchObject({ attempt: 3, model: small });
      expect(requestsFor(token).map((r) => [r.api, r.body.model])).toEqual([
        [provider, "model-busy"],
        [provider, "model-busy"],
        [provider, small],
      ]);
    },
  );

  it.each(providers)(
    "costs what the price table says of its usage, prompt-cache tokens included (%s)",
    async (provider) => {
      const model = wire[provider].model;
      const token = script(`priced-${provider}`, () => ({
        kind: "message",
        text: "one two three four five",
        inputTokens: 1200,
        cache: { creationInputTokens: 3000, readInputTokens: 40_000 },
      }));
      const system = [{ type: "text", text: "A long, cached system prompt.", cacheControl: { type: "ephemeral" } }];
      const task = await finished(await submit({ prompt: `Go (${token})`, model, system, provider }));
      const seen = requestsFor(token)[0]?.body;
      if (provider === "anthropic") {
        expect(task.usage).toEqual({
          inputTokens: 1200,
          outputTokens: 5,
          cacheCreationInputTokens: 3000,
          cacheReadInputTokens: 40_000,
        });
        // Sonnet 4.6's list prices per million tokens: $3 in, $15 out, $3.75 cache write, $0.30 cache read.
        expect(task.costUsd).toBeCloseTo((1200 * 3 + 5 * 15 + 3000 * 3.75 + 40_000 * 0.3) / 1e6, 12);
        expect(seen?.system).toEqual([
          { type: "text", text: "A long, cached system prompt.", cache_control: { type: "ephemeral" } },
        ]);
      } else {
        // Chat completions has no cache writes: those 3,000 are plain prompt tokens; the 40,000 it read are cached.
        expect(task.usage).toEqual({ inputTokens: 4200, outputTokens: 5, cacheReadInputTokens: 40_000 });
        // GPT-4.1 mini's list prices per million tokens: $0.40 in, $1.60 out, $0.10 cached in.
        expect(task.costUsd).toBeCloseTo((4200 * 0.4 + 5 * 1.6 + 40_000 * 0.1) / 1e6, 12);
        expect(seen?.messages[0]).toEqual({ role: "system", content: "A long, cached system prompt." });
      }
      expect(task.costUsd).toBeCloseTo(costUsd(model, task.usage as Usage, DEFAULT_PRICES) ?? -1, 12);
    },
  );

  it("runs a chain whose child is served by another provider than its parent", async () => {
    const parentToken = script("mixed-chain-parent", () => ({ kind: "message", text: "Le vent d'automne" }));
    const childToken = script("mixed-chain-child", () => ({ kind: "message", text: "The autumn wind" }));
    const parentId = await submit({ prompt: `Write three French words (${parentToken})`, provider: "anthropic" });
    const res = await postJson(`${baseUrl}/tasks/${parentId}/chain`, {
      prompt: `Translate into English: {{parent.output}} (${childToken})`,
      provider: "openai",
      model: "gpt-4o-mini",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const child = await finished(res.body.id);
    expect(child).toMatchObject({ status: "completed", output: "The autumn wind", parentId, provider: "openai" });
    expect(await finished(parentId)).toMatchObject({ status: "completed", provider: "anthropic" });
    expect(requestsFor(parentToken).map((r) => r.api)).toEqual(["anthropic"]);
    const [seen] = requestsFor(childToken);
    expect(seen).toMatchObject({ api: "openai", body: { model: "gpt-4o-mini" } });
    expect(seen?.prompt).toBe(`Translate into English: Le vent d'automne (${childToken})`);
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
