import { randomUUID } from "node:crypto";
import type { EventOf, TaskEvent } from "@taskjet/events";
import { createTestContext, ev, type Reply, startFakeLlm, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { anthropicProvider } from "./providers/anthropic.ts";
import { openaiProvider } from "./providers/openai.ts";

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

  // Only Anthropic's API reports prompt caching: the test exists for it alone (rather than a skip for the other).
  if (provider.name === "anthropic") {
    it("reports prompt-cache tokens in the task's usage", async () => {
      const cache = { creationInputTokens: 1200, readInputTokens: 3400 };
      const { taskId } = await run([{ kind: "message", text: "cached answer", inputTokens: 7, cache }]);
      const h = await untilTerminal(taskId);
      expect(h.at(-1)).toMatchObject({
        type: "TaskCompleted",
        usage: { inputTokens: 7, outputTokens: 2, cacheCreationInputTokens: 1200, cacheReadInputTokens: 3400 },
      });
    });
  }

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
