import type { Config } from "@taskjet/runtime";
import { anthropicProvider } from "./anthropic.ts";
import { fakeProvider } from "./fake.ts";
import { openaiProvider } from "./openai.ts";
import type { LlmProvider } from "./provider.ts";

export function providerFromConfig(config: Config): LlmProvider {
  switch (config.LLM_PROVIDER) {
    case "anthropic":
      return anthropicProvider({ apiKey: config.ANTHROPIC_API_KEY, baseURL: config.ANTHROPIC_BASE_URL });
    case "fake":
      return fakeProvider({ latencyMs: config.FAKE_LLM_LATENCY_MS, replyChars: config.FAKE_LLM_REPLY_CHARS });
    case "openai":
      return openaiProvider({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL });
  }
}
