import type { ProviderName } from "@taskjet/events";
import type { Config } from "@taskjet/runtime";
import { anthropicProvider } from "./anthropic.ts";
import { fakeProvider } from "./fake.ts";
import { openaiProvider } from "./openai.ts";
import type { LlmProvider } from "./provider.ts";

export function providerFromConfig(config: Config): LlmProvider {
  return makeProvider(config, config.LLM_PROVIDER);
}

/**
 * Every provider a task may name: the configured one, each other one the configuration can reach (a key or a
 * base URL set), and the fake, which needs neither.
 */
export function providersFromConfig(config: Config): Partial<Record<ProviderName, LlmProvider>> {
  const reachable: Record<ProviderName, boolean> = {
    anthropic: !!(config.ANTHROPIC_API_KEY || config.ANTHROPIC_BASE_URL),
    openai: !!(config.OPENAI_API_KEY || config.OPENAI_BASE_URL),
    fake: true,
  };
  const names = (Object.keys(reachable) as ProviderName[]).filter((n) => reachable[n] || n === config.LLM_PROVIDER);
  return Object.fromEntries(names.map((n) => [n, makeProvider(config, n)]));
}

function makeProvider(config: Config, name: ProviderName): LlmProvider {
  switch (name) {
    case "anthropic":
      return anthropicProvider({ apiKey: config.ANTHROPIC_API_KEY, baseURL: config.ANTHROPIC_BASE_URL });
    case "fake":
      return fakeProvider({ latencyMs: config.FAKE_LLM_LATENCY_MS, replyChars: config.FAKE_LLM_REPLY_CHARS });
    case "openai":
      return openaiProvider({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL });
  }
}
