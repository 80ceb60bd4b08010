import { randomUUID } from "node:crypto";
import type { EventOf, ModelInput, TaskEvent } from "@taskjet/events";
import { createTestContext, ev, type Reply, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import type { DeltaPart } from "./output-publisher.ts";
import { anthropicProvider } from "./providers/anthropic.ts";
import { openaiProvider } from "./providers/openai.ts";
import { ProviderError } from "./providers/provider.ts";

/** Each provider through its real SDK against the fake server's rendition of its API, through the same rows. */
const providers = [
  {
    name: "anthropic",
    make: (url: string) => anthropicProvider({ apiKey: "sk-test", baseURL: url }),
    request: { system: "be brief", messages: [{ role: "user" }] },
  },
  {
    name: "openai",
    make: (url: string) => openaiProvider({ apiKey: "sk-test", baseURL: `${url}/v1` }),
    request: { messages: [{ role: "system", content: "be brief" }, { role: "user" }] },
  },
] as const;

describe.each(providers)("executor × the real $name SDK × the fake LLM server", (provider) => {
  let ctx: TestContext;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  let running: Awaited<ReturnType<typeof startExecutor>>;
  let cancellations: ReturnType<typeof listenForCancellations>;
  /** What the fake API answers, per prompt: a list is consumed one reply per request. */
  const script = new Map<string, Reply[]>();

  beforeAll(async () => {
    ctx = await createTestContext(`provider-${provider.name}`);
    fake = await startFakeLlm((req) => {
      const replies = script.get(req.prompt) ?? [];
      return (replies.length > 1 ? replies.shift() : replies[0]) ?? { kind: "message", text: "default" };
    });
    cancellations = listenForCancellations(ctx.nc, ctx.subjects);
    running = await startExecutor(
      {
        ...ctx,
        llm: provider.make(fake.url),
        cancellations,
        executorId: "ex-anthropic",
        now: () => new Date(),
        random: () => 0,
      },
      { concurrency: 32, ackWaitMs: 5000 },
    );
  });
  afterAll(async () => {
    await running.stop(1000);
    cancellations.close();
    await fake.close();
    await ctx.cleanup();
  });

  async function run(
    replies: Reply[],
    o: { maxAttempts?: number; timeoutMs?: number; system?: string | null; temperature?: number | null } = {},
  ) {
    const taskId = randomUUID();
    const prompt = `prompt ${taskId}`;
    script.set(prompt, replies);
    await ctx.publish(ev.submitted({ taskId, prompt }));
    await ctx.publish(
      ev.queued({
        taskId,
        at: new Date().toISOString(),
        maxAttempts: o.maxAttempts ?? 3,
        timeoutMs: o.timeoutMs ?? 30_000,
        input: {
          prompt,
          model: "claude-test",
          maxTokens: 321,
          system: o.system ?? null,
          temperature: o.temperature ?? null,
        },
      }),
    );
    return { taskId, prompt };
  }
  const untilTerminal = (taskId: string) =>
    waitFor(
      async () => {
        const h = await ctx.history(taskId);
        return h.some((e) => ["TaskCompleted", "TaskFailed"].includes(e.type)) ? h : undefined;
      },
      { timeoutMs: 20_000, what: `terminal event of ${taskId}` },
    );
  // TaskWaiting left out: whether a task held ~1 s by a paused lane gets one is a matter of milliseconds.
  const types = (h: TaskEvent[]) =>
    h.map((e) => e.type).filter((t) => t !== "TaskSubmitted" && t !== "TaskQueued" && t !== "TaskWaiting");
  const seenBy = (prompt: string) => fake.requests.filter((r) => r.prompt === prompt);
  const failures = (h: TaskEvent[]) =>
    h.filter((e): e is EventOf<"TaskAttemptFailed"> => e.type === "TaskAttemptFailed");

  it("streams a reply: request fields, output, usage, stop reason, model", async () => {
    const { taskId, prompt } = await run([{ kind: "message", text: "Queues are lines that wait.", inputTokens: 12 }], {
      system: "be brief",
      temperature: 0.2,
    });
    const h = await untilTerminal(taskId);
    expect(types(h)).toEqual(["TaskStarted", "TaskCompleted"]);
    expect(h.at(-1)).toMatchObject({
      output: "Queues are lines that wait.",
      model: "claude-test",
      stopReason: "end_turn", // chat completions' `stop`, in Anthropic's words
      usage: { inputTokens: 12, outputTokens: 5 },
    });
    const [req] = seenBy(prompt);
    expect(req?.api).toBe(provider.name);
    expect(req?.body).toMatchObject({ model: "claude-test", max_tokens: 321, temperature: 0.2, stream: true });
    expect(req?.body).toMatchObject(provider.request);
    expect(`${req?.headers["x-api-key"]} ${req?.headers.authorization}`).toContain("sk-test");
    expect(req?.headers["x-stainless-retry-count"]).toBe("0"); // the SDK's own retries are off
  });

  it("reports prompt-cache tokens in the task's usage, each token counted once", async () => {
    const cache = { creationInputTokens: 1200, readInputTokens: 3400 };
    const { taskId } = await run([{ kind: "message", text: "cached answer", inputTokens: 7, cache }]);
    const h = await untilTerminal(taskId);
    // OpenAI has no cache writes and counts its cached tokens inside prompt_tokens (7 + 1200 + 3400 = 4607, 3400
    // of them cached): the provider takes them out of inputTokens, as Anthropic's input_tokens leave them out.
    const usage =
      provider.name === "anthropic"
        ? { inputTokens: 7, outputTokens: 2, cacheCreationInputTokens: 1200, cacheReadInputTokens: 3400 }
        : { inputTokens: 1207, outputTokens: 2, cacheReadInputTokens: 3400 };
    expect(h.at(-1)).toMatchObject({ type: "TaskCompleted", usage });
    expect((h.at(-1) as EventOf<"TaskCompleted">).usage).toEqual(usage);
  });

  it("429: waits at least retry-after, without spending an attempt", async () => {
    const started = Date.now();
    const { taskId, prompt } = await run(
      [
        {
          kind: "error",
          status: 429,
          type: "rate_limit_error",
          message: "Rate limited",
          headers: { "retry-after": "1" },
        },
        { kind: "message", text: "ok" },
      ],
      { maxAttempts: 1 },
    );
    const h = await untilTerminal(taskId);
    expect(types(h)).toEqual(["TaskStarted", "TaskAttemptFailed", "TaskStarted", "TaskCompleted"]);
    expect(failures(h)[0]).toMatchObject({
      error: { code: "rate_limited" },
      retryable: true,
      countsAsAttempt: false,
      attempt: 1,
    });
    const [first, second] = seenBy(prompt);
    expect(second).toBeDefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.at(-1)).toMatchObject({ type: "TaskCompleted", attempt: 1 });
    expect(first).toBeDefined();
  });

  it("429 spend limit: fails at once", async () => {
    const { taskId, prompt } = await run([
      {
        kind: "error",
        status: 429,
        type: "rate_limit_error",
        message: "You have reached your specified API usage limits (spend limit)",
      },
    ]);
    const h = await untilTerminal(taskId);
    expect(types(h)).toEqual(["TaskStarted", "TaskAttemptFailed", "TaskFailed"]);
    expect(h.at(-1)).toMatchObject({ error: { code: "spend_limit" }, attempts: 1 });
    expect(seenBy(prompt)).toHaveLength(1);
  });

  it("529 overloaded: retried with backoff until maxAttempts, then failed", async () => {
    const { taskId, prompt } = await run(
      [{ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" }],
      {
        maxAttempts: 3,
      },
    );
    const h = await untilTerminal(taskId);
    expect(types(h)).toEqual([
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskStarted",
      "TaskAttemptFailed",
      "TaskFailed",
    ]);
    expect(failures(h).map((f) => [f.attempt, f.retryable])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(h.at(-1)).toMatchObject({ attempts: 3, error: { code: "overloaded", message: "Overloaded" } });
    expect(seenBy(prompt)).toHaveLength(3);
  });

  it("500, a dropped connection, and an SSE error mid-stream are retried; then it completes", async () => {
    const { taskId, prompt } = await run(
      [
        { kind: "error", status: 500, type: "api_error", message: "Internal server error" },
        { kind: "drop", text: "half a rep" },
        { kind: "sse-error", text: "partial", type: "overloaded_error", message: "Overloaded" },
        { kind: "message", text: "finally" },
      ],
      { maxAttempts: 4 },
    );
    const h = await untilTerminal(taskId);
    expect(failures(h).map((f) => f.error.code)).toEqual(["server_error", "connection_error", "overloaded"]);
    expect(h.at(-1)).toMatchObject({ type: "TaskCompleted", output: "finally", attempt: 4 });
    expect(seenBy(prompt)).toHaveLength(4);
  });

  it.each([
    [400, "invalid_request_error", "invalid_request"],
    [401, "authentication_error", "authentication"],
    [403, "permission_error", "permission"],
    [404, "not_found_error", "not_found"],
    [413, "request_too_large", "request_too_large"],
  ] as const)("%i: fails at once with the provider's message", async (status, type, code) => {
    const message = `provider says ${status}`;
    const { taskId, prompt } = await run([{ kind: "error", status, type, message }]);
    const h = await untilTerminal(taskId);
    expect(types(h)).toEqual(["TaskStarted", "TaskAttemptFailed", "TaskFailed"]);
    expect(h.at(-1)).toMatchObject({ error: { code, message }, attempts: 1 });
    expect(seenBy(prompt)).toHaveLength(1);
  });

  it("a call past the task's timeout is aborted and retried", async () => {
    const { taskId, prompt } = await run([{ kind: "hang" }, { kind: "message", text: "in time" }], { timeoutMs: 300 });
    const h = await untilTerminal(taskId);
    expect(failures(h)[0]).toMatchObject({ error: { code: "timeout" }, retryable: true });
    expect(seenBy(prompt)[0]?.closedByClient).toBe(true);
    expect(h.at(-1)).toMatchObject({ type: "TaskCompleted", output: "in time" });
  });

  it("a cancel mid-stream closes the connection before the reply ends and keeps the partial output", async () => {
    const { taskId, prompt } = await run([
      { kind: "message", text: "one two three four five six seven eight", pieces: 8, pieceDelayMs: 200 },
    ]);
    await waitFor(async () => (await ctx.history(taskId)).some((e) => e.type === "TaskStarted"));
    await waitFor(() => (seenBy(prompt)[0]?.piecesSent ?? 0) >= 2, { what: "a few pieces streamed" });
    await ctx.publish(ev.cancelled({ taskId, at: new Date().toISOString(), reason: "user" }));
    const h = await waitFor(async () => {
      const hist = await ctx.history(taskId);
      return hist.some((e) => e.type === "TaskAttemptFailed") ? hist : undefined;
    });
    const req = seenBy(prompt)[0];
    expect(req?.closedByClient).toBe(true);
    expect(req?.piecesSent).toBeLessThan(8); // aborted mid-stream, not read to its end
    const failure = failures(h)[0];
    expect(failure).toMatchObject({ error: { code: "cancelled" }, retryable: false });
    expect(failure?.output?.length).toBeGreaterThan(0);
    expect("one two three four five six seven eight".startsWith(failure?.output ?? "x")).toBe(true);
    expect(types(h)).not.toContain("TaskCompleted");
    expect(types(h)).not.toContain("TaskFailed");
  });
});

/** What each API's request says for the same task: the rows below assert both through the same tests. */
const wire = {
  anthropic: {
    toolTurns: (question: string, result: string) => [
      { role: "user", content: question },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: result }] },
    ],
    tools: [{ name: "get_weather", description: "Current weather", input_schema: { type: "object" } }],
    image: (data: string) => ({ type: "image", source: { type: "base64", media_type: "image/png", data } }),
    options: {
      stop_sequences: ["END"],
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: "user-7" },
      service_tier: "standard_only",
      tool_choice: { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
      thinking: { type: "enabled", budget_tokens: 1024 },
    },
    outputSchema: (schema: object) => ({ output_config: { format: { type: "json_schema", schema } } }),
  },
  openai: {
    toolTurns: (question: string, result: string) => [
      { role: "user", content: question },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          { id: "toolu_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01", content: result },
    ],
    tools: [
      {
        type: "function",
        function: { name: "get_weather", description: "Current weather", parameters: { type: "object" } },
      },
    ],
    image: (data: string) => ({ type: "image_url", image_url: { url: `data:image/png;base64,${data}` } }),
    options: {
      stop: ["END"],
      top_p: 0.9,
      user: "user-7",
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
    },
    outputSchema: (schema: object) => ({
      response_format: { type: "json_schema", json_schema: { name: "output", schema } },
    }),
  },
} as const;

describe.each(providers)("the Messages API through the real $name SDK × the fake LLM server", (provider) => {
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  let llm: ReturnType<typeof provider.make>;
  /** What the fake API answers, per prompt (the last user turn's text). */
  const script = new Map<string, Reply>();
  const expected = wire[provider.name];

  beforeAll(async () => {
    fake = await startFakeLlm((req) => script.get(req.prompt) ?? { kind: "message", text: "unscripted" });
    llm = provider.make(fake.url);
  });
  afterAll(() => fake.close());

  /** A call of the provider, with every piece it streamed and the request the fake server saw. */
  async function call(input: Partial<ModelInput> & { prompt: string }, reply: Reply, prompt = input.prompt) {
    script.set(prompt, reply);
    const deltas: (DeltaPart & { text: string })[] = [];
    const result = await llm.generate({
      system: null,
      model: "claude-test",
      maxTokens: 2048,
      temperature: null,
      ...input,
      signal: new AbortController().signal,
      onDelta: (text, part) => void deltas.push({ text, ...part }),
    });
    const seen = fake.requests.filter((r) => r.prompt === prompt);
    expect(seen).toHaveLength(1);
    return { result, deltas, body: seen[0]?.body as unknown as Record<string, unknown> };
  }
  const joined = (deltas: { text: string; kind: string; block?: number }[], kind: string, block: number) =>
    deltas
      .filter((d) => d.kind === kind && d.block === block)
      .map((d) => d.text)
      .join("");
  const weatherTool = { name: "get_weather", description: "Current weather", inputSchema: { type: "object" as const } };

  it("runs three turns: a question, a tool call streamed as tool_input, the tool's result, the answer", async () => {
    const question = `What is the weather in Paris? ${randomUUID()}`;
    const toolUse = { type: "tool_use" as const, id: "toolu_01", name: "get_weather", input: { city: "Paris" } };
    const first = await call(
      { prompt: "", messages: [{ role: "user", content: question }], tools: [weatherTool] },
      { kind: "message", text: "", content: [{ type: "text", text: "Let me look." }, toolUse] },
      question,
    );
    expect(first.result).toMatchObject({ output: "Let me look.", stopReason: "tool_use" });
    expect(first.result.content).toEqual([{ type: "text", text: "Let me look." }, toolUse]);
    expect(joined(first.deltas, "text", 0)).toBe("Let me look.");
    expect(JSON.parse(joined(first.deltas, "tool_input", 1))).toEqual({ city: "Paris" });
    expect(first.body.tools).toEqual(expected.tools);

    const result = `18 °C, clear ${randomUUID()}`;
    const messages: ModelInput["messages"] = [
      { role: "user", content: question },
      { role: "assistant", content: first.result.content },
      { role: "user", content: [{ type: "tool_result", toolUseId: "toolu_01", content: result }] },
    ];
    const answer = await call(
      { prompt: "", messages, tools: [weatherTool] },
      { kind: "message", text: "It is 18 °C and clear in Paris." },
      result,
    );
    expect(answer.body.messages).toEqual(expected.toolTurns(question, result));
    expect(answer.result).toMatchObject({
      output: "It is 18 °C and clear in Paris.",
      content: [{ type: "text", text: "It is 18 °C and clear in Paris." }],
      stopReason: "end_turn",
    });
  });

  it("sends a base64 image block in the provider's shape", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const text = `What is in this picture? ${randomUUID()}`;
    const { body } = await call(
      {
        prompt: "",
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", mediaType: "image/png", data: png } },
              { type: "text", text },
            ],
          },
        ],
      },
      { kind: "message", text: "A red dot." },
      text,
    );
    expect(body.messages).toEqual([{ role: "user", content: [expected.image(png), { type: "text", text }] }]);
  });

  it("sends every request option in the provider's words (and leaves out what it has no word for)", async () => {
    const prompt = `options ${randomUUID()}`;
    const { body } = await call(
      {
        prompt,
        tools: [weatherTool],
        toolChoice: { type: "tool", name: "get_weather", disableParallelToolUse: true },
        stopSequences: ["END"],
        topP: 0.9,
        topK: 40,
        userId: "user-7",
        serviceTier: "standard_only",
        thinking: { type: "enabled", budgetTokens: 1024 },
      },
      { kind: "message", text: "ok" },
    );
    const { messages: _, tools: __, model: ___, max_tokens: ____, stream: _____, ...options } = body;
    expect(options).toEqual(
      provider.name === "openai" ? { ...expected.options, stream_options: { include_usage: true } } : expected.options,
    );
  });

  it("passes outputSchema as the provider's structured-output field", async () => {
    const prompt = `extract ${randomUUID()}`;
    const outputSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const { body, result } = await call({ prompt, outputSchema }, { kind: "message", text: '{"name":"Ada"}' });
    expect(body).toMatchObject(expected.outputSchema(outputSchema));
    expect(result.output).toBe('{"name":"Ada"}');
  });

  it("shows a max_tokens truncation as stopReason max_tokens", async () => {
    const prompt = `a long story ${randomUUID()}`;
    const { result } = await call(
      { prompt, maxTokens: 3 },
      { kind: "message", text: "Once upon a", stopReason: "max_tokens" },
    );
    expect(result).toMatchObject({ output: "Once upon a", stopReason: "max_tokens" });
  });

  if (provider.name === "anthropic") {
    it("streams thinking deltas with kind thinking, then the answer, and keeps the thinking's signature", async () => {
      const prompt = `twin primes? ${randomUUID()}`;
      const thinking = "Two primes that differ by two are twin primes.";
      const { result, deltas } = await call(
        { prompt, thinking: { type: "enabled", budgetTokens: 1024 } },
        {
          kind: "message",
          text: "",
          content: [
            { type: "thinking", thinking, signature: "sig-1" },
            { type: "text", text: "Yes: 3 and 5." },
          ],
        },
      );
      expect(deltas.map((d) => d.kind)).toEqual([...Array(4).fill("thinking"), ...Array(4).fill("text")]);
      expect(joined(deltas, "thinking", 0)).toBe(thinking);
      expect(joined(deltas, "text", 1)).toBe("Yes: 3 and 5.");
      expect(result.content).toEqual([
        { type: "thinking", thinking, signature: "sig-1" },
        { type: "text", text: "Yes: 3 and 5." },
      ]);
      expect(result.output).toBe("Yes: 3 and 5.");
    });

    it("sends cacheControl on the system prompt and reports the cache tokens in usage", async () => {
      const prompt = `cached ${randomUUID()}`;
      const cache = { creationInputTokens: 0, readInputTokens: 900 };
      const { body, result } = await call(
        { prompt, system: [{ type: "text", text: "long rules", cacheControl: { type: "ephemeral" } }] },
        { kind: "message", text: "ok", inputTokens: 5, cache },
      );
      expect(body.system).toEqual([{ type: "text", text: "long rules", cache_control: { type: "ephemeral" } }]);
      expect(result.usage).toEqual({
        inputTokens: 5,
        outputTokens: 1,
        cacheCreationInputTokens: 0,
        cacheReadInputTokens: 900,
      });
    });
  }

  if (provider.name === "openai") {
    it("refuses a PDF document with a 400 naming the block, without calling the server", async () => {
      const prompt = `read this ${randomUUID()}`;
      const messages: ModelInput["messages"] = [
        {
          role: "user",
          content: [
            { type: "text", text: prompt },
            { type: "document", source: { type: "base64", mediaType: "application/pdf", data: "JVBERi0=" } },
          ],
        },
      ];
      const err = await llm
        .generate({
          prompt: "",
          messages,
          system: null,
          model: "gpt-test",
          maxTokens: 100,
          temperature: null,
          signal: new AbortController().signal,
          onDelta: () => undefined,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: "http", status: 400, type: "invalid_request_error" });
      expect((err as Error).message).toMatch(/^messages\[0\]\.content\[1\]: a document \(pdf\)/);
      expect(fake.requests.filter((r) => r.prompt === prompt)).toEqual([]);
    });

    it("leaves thinking out: neither sent nor answered", async () => {
      const prompt = `think ${randomUUID()}`;
      const { body, result, deltas } = await call(
        { prompt, thinking: { type: "enabled", budgetTokens: 1024 } },
        {
          kind: "message",
          text: "",
          content: [
            { type: "thinking", thinking: "hidden", signature: "s" },
            { type: "text", text: "answer" },
          ],
        },
      );
      expect(body).not.toHaveProperty("thinking");
      expect(result.content).toEqual([{ type: "text", text: "answer" }]);
      expect(deltas.every((d) => d.kind === "text" && d.block === 0)).toBe(true);
    });
  }
});
