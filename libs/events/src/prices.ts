import { z } from "zod";
import type { Usage } from "./events.ts";

/**
 * What a call costs, from its usage and a price table. The table is versioned here (Anthropic's and OpenAI's list
 * prices on the date in `version`) and overridable by configuration (`PRICE_TABLE`), since prices change,
 * contracts differ from the list and new models arrive before this file knows them.
 */

const perMillion = z.number().nonnegative();

/** One model's prices, USD per million tokens. */
export const ModelPrice = z.object({
  input: perMillion,
  output: perMillion,
  /**
   * Input written to the prompt cache. Anthropic charges 1.25× input for a 5-minute write and 2× for a 1-hour
   * one, but a call's usage does not say which it was, so one rate stands for both: the 5-minute one, the default.
   */
  cacheWrite: perMillion,
  /** Input read from the prompt cache: 0.1× input at Anthropic. */
  cacheRead: perMillion,
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/**
 * A price table. A key of `models` is a model id, or a prefix ending in `*` (`claude-sonnet-4-5*` covers the
 * alias and every dated id); an exact id wins over a pattern, and a longer pattern over a shorter one.
 */
export const PriceTable = z.object({
  /** The date the prices were read from the provider's price list, or a name for an overridden table. */
  version: z.string().min(1),
  /** The share taken off a batch call (Message Batches: half), on every column. */
  batchDiscount: z.number().min(0).max(1),
  models: z.record(z.string().min(1), ModelPrice),
});
export type PriceTable = z.infer<typeof PriceTable>;

/** Anthropic's cache columns as multiples of input; an override that names only input and output gets these. */
const CACHE_WRITE_PER_INPUT = 1.25;
const CACHE_READ_PER_INPUT = 0.1;

/**
 * What `PRICE_TABLE` may say: rows that replace or add to the defaults' rows of the same key (a row without cache
 * columns takes them from its input price as Anthropic does), a batch discount, a version to tell it apart.
 */
export const PriceOverride = z.object({
  version: z.string().min(1).optional(),
  batchDiscount: z.number().min(0).max(1).optional(),
  models: z.record(z.string().min(1), ModelPrice.partial({ cacheWrite: true, cacheRead: true })).default({}),
});
export type PriceOverride = z.input<typeof PriceOverride>;

// Anthropic's list prices (https://www.anthropic.com/pricing), USD per million tokens; cache columns 1.25× and 0.1× input.
const OPUS_4_5_ON: ModelPrice = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
const OPUS_4: ModelPrice = { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };
const SONNET_4: ModelPrice = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };

/**
 * OpenAI's standard-tier list prices (https://platform.openai.com/docs/pricing), USD per million tokens, as listed
 * since each model's launch or last cut (gpt-4o 2024-08, o3-mini 2025-01, gpt-4.1 and o4-mini 2025-04) and
 * still the list in mid-2026; not re-read on the date in `version`: check them, and let `PRICE_TABLE` override.
 * OpenAI caches prompts by itself and charges nothing extra to write them, so the cache-write column is the input
 * price (its usage never reports a write anyway); a cached prompt token is billed at its own, lower rate.
 */
const GPT_4O: ModelPrice = { input: 2.5, output: 10, cacheWrite: 2.5, cacheRead: 1.25 };
const GPT_4O_MINI: ModelPrice = { input: 0.15, output: 0.6, cacheWrite: 0.15, cacheRead: 0.075 };
const GPT_4_1: ModelPrice = { input: 2, output: 8, cacheWrite: 2, cacheRead: 0.5 };
const GPT_4_1_MINI: ModelPrice = { input: 0.4, output: 1.6, cacheWrite: 0.4, cacheRead: 0.1 };
const GPT_4_1_NANO: ModelPrice = { input: 0.1, output: 0.4, cacheWrite: 0.1, cacheRead: 0.025 };
const O3_MINI: ModelPrice = { input: 1.1, output: 4.4, cacheWrite: 1.1, cacheRead: 0.55 };
const O4_MINI: ModelPrice = { input: 1.1, output: 4.4, cacheWrite: 1.1, cacheRead: 0.275 };

/** The table in force without PRICE_TABLE: Anthropic's Claude models and OpenAI's on the date in `version`. */
export const DEFAULT_PRICES: PriceTable = {
  version: "2026-11-26",
  batchDiscount: 0.5,
  models: {
    "claude-opus-4-5*": OPUS_4_5_ON,
    "claude-opus-4-6*": OPUS_4_5_ON,
    "claude-opus-4-7*": OPUS_4_5_ON,
    "claude-opus-4-8*": OPUS_4_5_ON,
    // Opus 4 (`claude-opus-4-0`, `claude-opus-4-20250514`) and Opus 4.1 cost three times what 4.5 does.
    "claude-opus-4-0*": OPUS_4,
    "claude-opus-4-2025*": OPUS_4,
    "claude-opus-4-1*": OPUS_4,
    // Every Sonnet 4.x has had one price: 4 (`claude-sonnet-4-0`, `claude-sonnet-4-20250514`), 4.5, 4.6.
    "claude-sonnet-4*": SONNET_4,
    "claude-haiku-4-5*": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
    "claude-3-5-haiku*": { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
    // The list's own figures, not the multiples to the cent: $0.3125 and $0.025 would be.
    "claude-3-haiku*": { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 },
    // OpenAI by exact id, alias and dated snapshot: its variants share prefixes but not prices (`gpt-4o-2024-05-13`
    // is $5/$15, `gpt-4o-audio-preview` and `gpt-4o-realtime-preview` are priced apart), so no pattern here.
    "gpt-4o": GPT_4O,
    "gpt-4o-2024-08-06": GPT_4O,
    "gpt-4o-2024-11-20": GPT_4O,
    "gpt-4o-mini": GPT_4O_MINI,
    "gpt-4o-mini-2024-07-18": GPT_4O_MINI,
    "gpt-4.1": GPT_4_1,
    "gpt-4.1-2025-04-14": GPT_4_1,
    "gpt-4.1-mini": GPT_4_1_MINI,
    "gpt-4.1-mini-2025-04-14": GPT_4_1_MINI,
    "gpt-4.1-nano": GPT_4_1_NANO,
    "gpt-4.1-nano-2025-04-14": GPT_4_1_NANO,
    "o3-mini": O3_MINI,
    "o3-mini-2025-01-31": O3_MINI,
    "o4-mini": O4_MINI,
    "o4-mini-2025-04-16": O4_MINI,
  },
};

/** The defaults with `override` (PRICE_TABLE, already JSON-parsed) over them; a bad override throws. */
export function resolvePrices(override?: unknown): PriceTable {
  if (override === undefined) return DEFAULT_PRICES;
  const o = PriceOverride.parse(override);
  const rows = Object.entries(o.models).map(([key, p]): [string, ModelPrice] => [
    key,
    {
      ...p,
      cacheWrite: p.cacheWrite ?? p.input * CACHE_WRITE_PER_INPUT,
      cacheRead: p.cacheRead ?? p.input * CACHE_READ_PER_INPUT,
    },
  ]);
  const changed = rows.length > 0 || o.batchDiscount !== undefined;
  return {
    version: o.version ?? (changed ? `${DEFAULT_PRICES.version}+config` : DEFAULT_PRICES.version),
    batchDiscount: o.batchDiscount ?? DEFAULT_PRICES.batchDiscount,
    models: { ...DEFAULT_PRICES.models, ...Object.fromEntries(rows) },
  };
}

/** The row that prices `model`: its exact id, else the longest pattern it starts with; undefined when none. */
export function priceOf(model: string, table: PriceTable): ModelPrice | undefined {
  const exact = table.models[model];
  if (exact) return exact;
  let best: { length: number; price: ModelPrice } | undefined;
  for (const [key, price] of Object.entries(table.models)) {
    if (!key.endsWith("*")) continue;
    const prefix = key.slice(0, -1);
    if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = { length: prefix.length, price };
  }
  return best?.price;
}

/**
 * What a call with this usage cost in USD, or undefined when the table has no row for the model (the fake
 * provider's models, a model newer than the table): no price is claimed rather than a made-up one. The four counts
 * add up without overlap: `inputTokens` excludes the cached ones (Anthropic's `input_tokens` do; the OpenAI
 * provider takes `cached_tokens` out of `prompt_tokens` to say the same).
 */
export function costUsd(
  model: string,
  usage: Usage,
  table: PriceTable,
  opts: { batch?: boolean } = {},
): number | undefined {
  const p = priceOf(model, table);
  if (!p) return undefined;
  const perMillion =
    usage.inputTokens * p.input +
    usage.outputTokens * p.output +
    (usage.cacheCreationInputTokens ?? 0) * p.cacheWrite +
    (usage.cacheReadInputTokens ?? 0) * p.cacheRead;
  return (perMillion / 1e6) * (opts.batch ? 1 - table.batchDiscount : 1);
}
