import { randomBytes } from "node:crypto";
import { allowedOver, startFakeLlm } from "@taskjet/testkit";
import { percentile, round } from "./stats.ts";
import type { Driver } from "./systems/driver.ts";
import { inPool, MODEL, peerResult } from "./workload.ts";

/**
 * The rate-limited workload: every system calls the fake Messages API, which enforces Anthropic's token buckets
 * — 120 requests and 12,000 input tokens per 6 s window (Anthropic's minute, compressed tenfold). Nine prompts
 * in ten are ≈64 tokens and one in ten ≈1,000, so the input-token limit binds first (≈12.7 tasks/s), as it
 * does for real LLM work: a limiter that counts only requests overshoots it.
 */
export const LIMITS = { requests: 120, inputTokens: 12_000, windowSeconds: 6 };
const windowMs = LIMITS.windowSeconds * 1000;
/** The provider's reply takes ≈500 ms: five pieces, 100 ms apart. */
const REPLY = { pieces: 5, pieceDelayMs: 100 };

export function limitedPrompt(i: number): string {
  const filler = randomBytes(i % 10 === 9 ? 1950 : 96).toString("hex");
  return `Task ${i}: summarise the following notes in one paragraph. ${filler}`;
}

/** A fake provider with the workload's limits: one per system, so each starts with full buckets of its own. */
export function startLimitedFake() {
  return startFakeLlm((req) => ({ kind: "message", text: peerResult(req.prompt), ...REPLY }), {
    limits: { requests: LIMITS.requests, inputTokens: LIMITS.inputTokens, windowMs },
  });
}
export type LimitedFake = Awaited<ReturnType<typeof startLimitedFake>>;

/** Taskjet's executors on the real Anthropic provider against `url`, its lane told the same limits. */
export function taskjetLaneEnv(url: string): Record<string, string> {
  return {
    LLM_PROVIDER: "anthropic",
    ANTHROPIC_API_KEY: "sk-bench",
    ANTHROPIC_BASE_URL: url,
    LANE_LIMITS: JSON.stringify({
      [`anthropic/${MODEL}`]: { requests: LIMITS.requests, inputTokens: LIMITS.inputTokens },
    }),
    LANE_WINDOW_SECONDS: String(LIMITS.windowSeconds),
  };
}

/** BullMQ's own limiter set to the provider's request limit: all a job-count limiter can express. */
export const BULLMQ_LIMITER = { max: LIMITS.requests, duration: windowMs };

export type RateLimitedFigures = {
  tasks: number;
  seconds: number;
  throughput: number;
  /** Calls the provider saw, and how many it answered 429 (in all, and after the first window). */
  calls: number;
  rateLimited: number;
  rateLimitedAfterFirstWindow: number;
  /** Admitted calls ÷ calls the request limit allowed over the run (a full bucket plus its refill). */
  requestUtilization: number;
  /** Input tokens of admitted calls ÷ input tokens the limit allowed over the run: the limit that binds. */
  inputTokenUtilization: number;
  p50: number;
  p99: number;
};

/** `n` tasks submitted at once; from the first submit to the last completion, as the provider saw it. */
export async function rateLimitedRun(d: Driver, fake: LimitedFake, n: number, timeoutMs: number) {
  const submittedAt = new Map<string, number>();
  const t0 = Date.now();
  await inPool(n, 100, async (i) => {
    const at = Date.now();
    submittedAt.set(await d.submit(i, { prompt: limitedPrompt(i) }), at);
  });
  const done = await d.completions([...submittedAt.keys()], timeoutMs);
  const t1 = Math.max(...done.values());
  const calls = fake.requests.filter((r) => r.at >= t0 && r.at <= t1);
  const admitted = calls.filter((r) => r.status === 200);
  const limited = calls.filter((r) => r.status === 429);
  const latencies = [...submittedAt].map(([key, at]) => (done.get(key) as number) - at);
  const ms = t1 - t0;
  const figures: RateLimitedFigures = {
    tasks: n,
    seconds: round(ms / 1000, 2),
    throughput: round((n * 1000) / ms, 1),
    calls: calls.length,
    rateLimited: limited.length,
    rateLimitedAfterFirstWindow: limited.filter((r) => r.at > t0 + windowMs).length,
    requestUtilization: round(admitted.length / allowedOver(LIMITS.requests, windowMs, ms), 3),
    inputTokenUtilization: round(
      admitted.reduce((sum, r) => sum + r.inputTokens, 0) / allowedOver(LIMITS.inputTokens, windowMs, ms),
      3,
    ),
    p50: round(percentile(latencies, 0.5), 0),
    p99: round(percentile(latencies, 0.99), 0),
  };
  return figures;
}
