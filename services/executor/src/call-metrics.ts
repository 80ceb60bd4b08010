import type { Usage } from "@taskjet/events";
import { Counter, Histogram, type Registry } from "prom-client";

/**
 * Each provider call's figures by provider and model: how long to the first chunk (what a streaming user waits
 * for), how it ended (completed, or its error class), and the tokens it spent, cache writes and reads apart.
 */
export function callMetrics(registry: Registry) {
  const firstChunk = new Histogram({
    name: "taskjet_executor_time_to_first_token_seconds",
    help: "From the call's start to the first chunk of its reply, by provider and model",
    labelNames: ["provider", "model"],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const calls = new Counter({
    name: "taskjet_executor_calls_total",
    help: "Provider calls by provider, model and how they ended (completed, or the error's class)",
    labelNames: ["provider", "model", "result"],
    registers: [registry],
  });
  const tokens = new Counter({
    name: "taskjet_executor_tokens_total",
    help: "Tokens spent by provider, model and kind (input, output, cache_write, cache_read)",
    labelNames: ["provider", "model", "kind"],
    registers: [registry],
  });
  return {
    firstChunk: (provider: string, model: string, seconds: number) => firstChunk.observe({ provider, model }, seconds),
    ended(provider: string, model: string, result: string, usage: Usage | null) {
      calls.inc({ provider, model, result });
      if (usage === null) return;
      const spent: [string, number | undefined][] = [
        ["input", usage.inputTokens],
        ["output", usage.outputTokens],
        ["cache_write", usage.cacheCreationInputTokens],
        ["cache_read", usage.cacheReadInputTokens],
      ];
      for (const [kind, n] of spent) if (n) tokens.inc({ provider, model, kind }, n);
    },
  };
}
export type CallMetrics = ReturnType<typeof callMetrics>;
