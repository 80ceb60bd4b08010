import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { allowedOver } from "./fake-limits.ts";
import { type FakeLlmOptions, type Reply, startFakeLlm } from "./fake-llm.ts";
import { waitFor } from "./wait.ts";

/** The fake's clock, moved by the test: refill is checked to the millisecond, without waiting for it. */
function manualClock(start = Date.parse("2026-11-26T12:00:00Z")) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
    start,
  };
}

let fake: Awaited<ReturnType<typeof startFakeLlm>> | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function start(opts: FakeLlmOptions, reply: (prompt: string) => Reply = () => ({ kind: "message", text: "ok" })) {
  fake = await startFakeLlm((req) => reply(req.prompt), opts);
  return fake;
}

/** One Messages API call with plain fetch (not streamed): status, headers, body. */
async function call(url: string, o: { prompt?: string; system?: string; maxTokens?: number; stream?: boolean } = {}) {
  const res = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-test", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: "claude-test",
      max_tokens: o.maxTokens ?? 100,
      stream: o.stream ?? false,
      ...(o.system ? { system: o.system } : {}),
      messages: [{ role: "user", content: o.prompt ?? "abcd" }],
    }),
  });
  const text = await res.text();
  const body = (o.stream ? { type: "stream", text } : JSON.parse(text)) as {
    text?: string;
    type: string;
    error?: { type: string; message: string };
    usage?: { input_tokens: number; output_tokens: number };
  };
  return { status: res.status, h: (name: string) => res.headers.get(name), body };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

describe("the fake LLM's rate limits", () => {
  it("requests: a full bucket passes, the next is 429 with Anthropic's body and headers, refill lets one more in", async () => {
    const clock = manualClock();
    const f = await start({ limits: { requests: 10, windowMs: 60_000 }, now: clock.now });
    for (let i = 0; i < 10; i++) {
      const r = await call(f.url);
      expect(r.status).toBe(200);
      expect(r.h("anthropic-ratelimit-requests-limit")).toBe("10");
      expect(r.h("anthropic-ratelimit-requests-remaining")).toBe(String(9 - i));
      // Full again once (i + 1) requests have refilled at 10 a minute: 6 s each.
      expect(r.h("anthropic-ratelimit-requests-reset")).toBe(iso(clock.start + (i + 1) * 6000));
    }
    const limited = await call(f.url);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(limited.h("retry-after")).toBe("6");
    expect(limited.h("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(limited.h("anthropic-ratelimit-requests-reset")).toBe(iso(clock.start + 60_000));
    expect(limited.h("anthropic-ratelimit-input-tokens-limit")).toBeNull(); // only configured limits are sent

    clock.advance(3000); // half a request: still short, and retry-after says the rest, rounded up
    expect((await call(f.url)).h("retry-after")).toBe("3");
    clock.advance(3000);
    expect((await call(f.url)).status).toBe(200);
    expect((await call(f.url)).status).toBe(429);

    expect(f.requests.map((r) => r.status)).toEqual([...Array(10).fill(200), 429, 429, 200, 429]);
    expect(f.requests.map((r) => r.limitedBy)).toEqual([
      ...Array(10).fill(null),
      "requests",
      "requests",
      null,
      "requests",
    ]);
    expect(f.requests[12]?.at).toBe(clock.start + 6000);
  });

  it("calls paced at the limit's rate after the first burst never see a 429", async () => {
    const clock = manualClock();
    const f = await start({ limits: { requests: 20, inputTokens: 2000, windowMs: 1000 }, now: clock.now });
    for (let i = 0; i < 100; i++) {
      if (i >= 20) clock.advance(50); // 20 a second
      const r = await call(f.url, { prompt: "x".repeat(400) }); // 100 tokens: 20 a second fit exactly
      expect(r.status).toBe(200);
    }
    expect(f.requests.every((r) => r.status === 200 && r.inputTokens === 100)).toBe(true);
    const used = f.requests.length;
    expect(used).toBe(allowedOver(20, 1000, clock.now() - clock.start)); // 100% of what the limit allowed
  });

  it("input tokens: counted from system and messages, reported as usage, 429 when the bucket is short", async () => {
    const clock = manualClock();
    const f = await start({ limits: { inputTokens: 100, windowMs: 60_000 }, now: clock.now });
    const first = await call(f.url, { system: "s".repeat(40), prompt: "p".repeat(300) }); // 10 + 75 tokens
    expect(first.status).toBe(200);
    expect(first.body.usage?.input_tokens).toBe(85);
    expect(first.h("anthropic-ratelimit-input-tokens-remaining")).toBe("15");
    expect(first.h("anthropic-ratelimit-tokens-remaining")).toBe("15"); // the more restrictive token limit
    const second = await call(f.url, { prompt: "p".repeat(80) }); // 20 tokens > 15 left
    expect(second.status).toBe(429);
    expect(second.h("retry-after")).toBe("3"); // 5 tokens at 100 a minute: 3 s
    expect(f.requests[1]).toMatchObject({ status: 429, limitedBy: "inputTokens", inputTokens: 20, outputTokens: 0 });
    clock.advance(3000);
    expect((await call(f.url, { prompt: "p".repeat(80) })).status).toBe(200);
  });

  it("countTokens: the fake counts input its own way, charges that and reports it as usage", async () => {
    const clock = manualClock();
    const f = await start({ limits: { inputTokens: 100 }, countTokens: (text) => text.length, now: clock.now });
    const r = await call(f.url, { system: "ab", prompt: "cdefgh" });
    expect(r.body.usage?.input_tokens).toBe(8);
    expect(r.h("anthropic-ratelimit-input-tokens-remaining")).toBe("92");
    expect(f.requests[0]?.inputTokens).toBe(8);
  });

  it("output tokens: max_tokens is reserved while the reply runs, the unused part comes back at its end", async () => {
    const clock = manualClock();
    const f = await start({ limits: { outputTokens: 1000, windowMs: 60_000 }, now: clock.now }, (prompt) =>
      prompt === "slow"
        ? { kind: "message", text: "one two three", pieces: 50, pieceDelayMs: 20 }
        : { kind: "message", text: "four five" },
    );
    const slow = call(f.url, { prompt: "slow", maxTokens: 600, stream: true });
    await waitFor(() => f.requests[0]?.status === 200, { what: "the slow reply started" });
    const meanwhile = await call(f.url, { maxTokens: 600 }); // 400 left while 600 are reserved
    expect(meanwhile.status).toBe(429);
    expect(meanwhile.h("anthropic-ratelimit-output-tokens-remaining")).toBe("400");
    expect((await slow).body.text).toContain('"output_tokens":3');
    await waitFor(() => f.requests[0]?.outputTokens === 3, { what: "the slow reply settled" });
    const after = await call(f.url, { maxTokens: 600 }); // 997 left: 600 fit
    expect(after.status).toBe(200);
    expect(after.h("anthropic-ratelimit-output-tokens-remaining")).toBe("397");
    expect(f.requests.map((r) => [r.status, r.outputTokens])).toEqual([
      [200, 3],
      [429, 0],
      [200, 2],
    ]);
  });

  it("forceRateLimit: the next N calls are 429 with that retry-after, then the fake answers again", async () => {
    const clock = manualClock();
    const f = await start({ limits: { requests: 100 }, now: clock.now });
    f.forceRateLimit({ retryAfterSeconds: 5, calls: 2 });
    const [a, b] = [await call(f.url), await call(f.url)];
    for (const r of [a, b]) {
      expect(r.status).toBe(429);
      expect(r.body.error?.type).toBe("rate_limit_error");
      expect(r.h("retry-after")).toBe("5");
      expect(r.h("anthropic-ratelimit-requests-remaining")).toBe("0");
      expect(r.h("anthropic-ratelimit-requests-reset")).toBe(iso(clock.start + 5000));
    }
    expect((await call(f.url)).status).toBe(200);
    expect(f.requests.map((r) => r.limitedBy)).toEqual(["forced", "forced", null]);
  });

  it("limitsByModel: a listed model has buckets of its own, a forced 429 can name its model", async () => {
    const clock = manualClock();
    const f = await start({
      limits: { requests: 1 },
      limitsByModel: { "claude-own": { requests: 2 } },
      now: clock.now,
    });
    const as = async (model: string) =>
      (
        await fetch(`${f.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
        })
      ).status;
    f.forceRateLimit({ retryAfterSeconds: 1, model: "claude-own" });
    expect([await as("claude-a"), await as("claude-b")]).toEqual([200, 429]); // one shared bucket
    expect([await as("claude-own"), await as("claude-own"), await as("claude-own"), await as("claude-own")]).toEqual([
      429, 200, 200, 429,
    ]);
    expect(f.requests.map((r) => r.limitedBy)).toEqual([null, "requests", "forced", null, null, "requests"]);
  });

  it("without limits: no rate-limit headers, the usage as before, and forceRateLimit still works", async () => {
    const f = await start({}, () => ({ kind: "message", text: "a b c" }));
    const r = await call(f.url, { prompt: "three little words" });
    expect(r.status).toBe(200);
    expect(r.h("anthropic-ratelimit-requests-limit")).toBeNull();
    expect(r.body.usage).toEqual({ input_tokens: 3, output_tokens: 3 });
    f.forceRateLimit({ retryAfterSeconds: 2 });
    const limited = await call(f.url);
    expect([limited.status, limited.h("retry-after")]).toEqual([429, "2"]);
    expect(f.requests.map((x) => x.status)).toEqual([200, 429]);
  });

  it("the real Anthropic SDK reads the headers of a streamed reply and the 429 as a RateLimitError", async () => {
    const f = await start({ limits: { requests: 1, inputTokens: 1000, outputTokens: 500, windowMs: 60_000 } }, () => ({
      kind: "message",
      text: "streamed reply",
    }));
    const client = new Anthropic({ apiKey: "sk-test", baseURL: f.url, maxRetries: 0 });
    const params = { model: "claude-test", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] };
    const { data, response } = await client.messages.stream(params).withResponse();
    expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(response.headers.get("anthropic-ratelimit-output-tokens-remaining")).toBe("400");
    expect((await data.finalMessage()).usage).toMatchObject({ input_tokens: 1, output_tokens: 2 });
    const err = await client.messages.create(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.status).toBe(429);
    expect(Number(e.headers?.get("retry-after"))).toBeGreaterThanOrEqual(59); // 1 request a minute
    expect(Date.parse(e.headers?.get("anthropic-ratelimit-requests-reset") ?? "")).toBeGreaterThan(Date.now());
    expect(e.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });
});
