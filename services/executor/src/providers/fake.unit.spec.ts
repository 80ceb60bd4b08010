import { describe, expect, it } from "vitest";
import { classifyFailure } from "../classify.ts";
import { fakeFailure, fakeOutput, fakeProvider, parseFakeMarkers } from "./fake.ts";
import { type GenerateRequest, ProviderError } from "./provider.ts";

const NONE = { rateLimit: 0, overloaded: 0, invalidOutput: 0, fail: false, slowMs: null };
const NOW = new Date("2026-11-26T12:00:00.000Z");

describe("parseFakeMarkers", () => {
  it.each([
    ["Hello", NONE],
    ["[fake:rate-limit=2] Hello", { ...NONE, rateLimit: 2 }],
    ["Hello [fake:overloaded=1]", { ...NONE, overloaded: 1 }],
    ["[fake:fail]", { ...NONE, fail: true }],
    ["[fake:slow=200] a story", { ...NONE, slowMs: 200 }],
    ["[fake:invalid-output=2] extract", { ...NONE, invalidOutput: 2 }],
    ["[fake:rate-limit=1][fake:overloaded=3][fake:slow=50] x", { ...NONE, rateLimit: 1, overloaded: 3, slowMs: 50 }],
    ["[fake:rate-limit=1] [fake:rate-limit=4]", { ...NONE, rateLimit: 4 }],
  ])("%s", (prompt, expected) => {
    expect(parseFakeMarkers(prompt)).toEqual(expected);
  });

  it.each([
    "[fake:bogus=1]",
    "[fake:fail=1]",
    "[fake:rate-limit]",
    "[fake:rate-limit=101]",
    "[fake:invalid-output]",
    "[fake:invalid-output=101]",
    "[fake:slow=0]",
    "[fake:slow=10001]",
    "[fake:slow=-5]",
    "[FAKE:fail]",
    "fake:fail",
    "[fake: fail]",
  ])("ignores %s", (prompt) => {
    expect(parseFakeMarkers(prompt)).toEqual(NONE);
  });
});

describe("fakeFailure", () => {
  const codes = (markers: Parameters<typeof fakeFailure>[0], calls: number) =>
    Array.from({ length: calls }, (_, i) => {
      const failure = fakeFailure(markers, i + 1);
      return failure && classifyFailure(failure, NOW);
    });

  it("rate-limits the first N calls with a retry-after of 1 s, then overloads the next M, then answers", () => {
    const [first, second, third, fourth] = codes({ ...NONE, rateLimit: 2, overloaded: 1 }, 4);
    expect(first).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 1000 });
    expect(second).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 1000 });
    expect(third).toMatchObject({ code: "overloaded", retryable: true, retryAfterMs: null });
    expect(fourth).toBeNull();
  });

  it("fails every call for good with [fake:fail]", () => {
    for (const c of codes({ ...NONE, fail: true, rateLimit: 1 }, 3)) {
      expect(c).toMatchObject({ code: "invalid_request", retryable: false });
    }
  });

  it("answers at once without markers", () => {
    expect(codes(NONE, 2)).toEqual([null, null]);
  });
});

describe("fakeOutput", () => {
  it("echoes an unmarked prompt as it is", () => {
    expect(fakeOutput("ping")).toBe("Fake reply to: ping");
    expect(fakeOutput("  two  spaces ")).toBe("Fake reply to:   two  spaces ");
    expect(fakeOutput("ab", 20)).toBe("Fake reply to: ab...");
  });

  it("leaves the markers out, so a chained task is not marked too", () => {
    expect(fakeOutput("[fake:rate-limit=2] Hello [fake:overloaded=1]")).toBe("Fake reply to: Hello");
    expect(parseFakeMarkers(fakeOutput("[fake:fail] [fake:slow=10] x"))).toEqual(NONE);
  });

  it("goes on at length when slow", () => {
    const slow = fakeOutput("[fake:slow=10] story");
    expect(slow.startsWith("Fake reply to: story\n\n")).toBe(true);
    expect(slow.split(/\s+/).length).toBeGreaterThan(60);
  });
});

describe("fakeProvider", () => {
  const request = (
    prompt: string,
    signal = new AbortController().signal,
    onDelta: GenerateRequest["onDelta"] = () => undefined,
  ): GenerateRequest => ({
    prompt,
    system: null,
    model: "fake-model",
    maxTokens: 100,
    temperature: null,
    signal,
    onDelta,
  });
  const statusOf = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (err: unknown) => (err instanceof ProviderError ? err.status : String(err)),
    );

  it("counts calls per prompt: fails the first ones, answers the rest, and starts again for the next task", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const prompt = "[fake:rate-limit=1][fake:overloaded=2] hi";
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await statusOf(llm.generate(request(prompt))));
    expect(statuses).toEqual([429, 529, 529, "ok"]);
    expect(await statusOf(llm.generate(request("[fake:rate-limit=1][fake:overloaded=2] another")))).toBe(429);
    expect(await statusOf(llm.generate(request(prompt)))).toBe(429);
    expect(await statusOf(llm.generate(request("[fake:fail] hi")))).toBe(400);
    expect(await statusOf(llm.generate(request("[fake:fail] hi")))).toBe(400);
  });

  it("streams a slow reply a word at a time, and stops where it is when aborted", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const pieces: string[] = [];
    const whole = await llm.generate(request("[fake:slow=1] story", undefined, (t) => void pieces.push(t)));
    expect(whole.output).toBe(fakeOutput("[fake:slow=1] story"));
    expect(pieces.join("")).toBe(whole.output);
    expect(pieces.length).toBe(whole.output.split(/\s+/).length);

    const abort = new AbortController();
    const sent: string[] = [];
    const stopped = llm.generate(
      request("[fake:slow=1] story", abort.signal, (t) => {
        sent.push(t);
        if (sent.length === 5) abort.abort();
      }),
    );
    const err = await stopped.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: "aborted", partialOutput: sent.join("") });
    expect(sent).toHaveLength(5);
  });

  it("answers a model named overloaded 529 overloaded_error, every call", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const busy = { ...request("hi"), model: "claude-overloaded" };
    const statuses = [await statusOf(llm.generate(busy)), await statusOf(llm.generate(busy))];
    expect(statuses).toEqual([529, 529]);
    const err = await llm.generate(busy).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: "overloaded_error" });
    expect(await statusOf(llm.generate(request("hi")))).toBe("ok");
  });

  it("[fake:invalid-output=N]: the first N answers miss the outputSchema, after the marked failures", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const outputSchema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
    const ask = (prompt: string) =>
      llm.generate({ ...request(prompt), outputSchema }).then(
        (r) => (JSON.parse(r.output)?.n === 1 ? "valid" : "invalid"),
        (e: unknown) => (e instanceof ProviderError ? e.status : String(e)),
      );
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask("[fake:rate-limit=1][fake:invalid-output=2] extract"));
    expect(answers).toEqual([429, "invalid", "invalid", "valid"]);
    expect(await ask("[fake:invalid-output=1] another")).toBe("invalid");
  });

  it("streams thinking, then a tool call's input, each piece with its kind and block", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const parts: { text: string; kind: string; block?: number | undefined }[] = [];
    const tools = [
      {
        name: "lookup",
        inputSchema: { type: "object" as const, properties: { q: { type: "string" } }, required: ["q"] },
      },
    ];
    const result = await llm.generate({
      ...request("find it", undefined, (text, part) => void parts.push({ text, ...part })),
      tools,
      thinking: { type: "adaptive" },
    });
    expect(result).toMatchObject({ stopReason: "tool_use", output: "" });
    expect(result.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    const of = (kind: string) => parts.filter((p) => p.kind === kind);
    expect(of("thinking").every((p) => p.block === 0)).toBe(true);
    expect(
      of("thinking")
        .map((p) => p.text)
        .join(""),
    ).toBe(result.content[0]?.type === "thinking" && result.content[0].thinking);
    expect(of("tool_input").every((p) => p.block === 1)).toBe(true);
    expect(
      JSON.parse(
        of("tool_input")
          .map((p) => p.text)
          .join(""),
      ),
    ).toEqual({ q: "sample q" });
    expect(parts.map((p) => p.kind)).toEqual([
      ...of("thinking").map(() => "thinking"),
      ...of("tool_input").map(() => "tool_input"),
    ]);
  });

  it("reports prompt-cache usage: written on a prefix's first call, read on the next", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const system = [
      { type: "text" as const, text: "a long and stable system prompt", cacheControl: { type: "ephemeral" as const } },
    ];
    const first = await llm.generate({ ...request("one"), system });
    const second = await llm.generate({ ...request("two"), system });
    expect(first.usage.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(first.usage.cacheReadInputTokens).toBeUndefined();
    expect(second.usage).toMatchObject({ cacheReadInputTokens: first.usage.cacheCreationInputTokens });
    expect((await llm.generate(request("plain"))).usage).not.toHaveProperty("cacheCreationInputTokens");
  });

  it("says max_tokens when it cuts the reply", async () => {
    const llm = fakeProvider({ latencyMs: 0 });
    const result = await llm.generate({ ...request("a b c d e f g"), maxTokens: 4 });
    expect(result).toMatchObject({ output: "Fake reply to: a", stopReason: "max_tokens", usage: { outputTokens: 4 } });
  });
});
