import { describe, expect, it } from "vitest";
import { costUsd, DEFAULT_PRICES, PriceTable, priceOf, resolvePrices } from "./prices.ts";

const million = { inputTokens: 1e6, outputTokens: 0 };

describe("the price table", () => {
  it("is a valid PriceTable with a version date", () => {
    expect(PriceTable.parse(DEFAULT_PRICES)).toEqual(DEFAULT_PRICES);
    expect(DEFAULT_PRICES.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    ["claude-opus-4-8", 5, 25],
    ["claude-opus-4-5-20251101", 5, 25],
    ["claude-opus-4-1-20250805", 15, 75],
    ["claude-opus-4-20250514", 15, 75],
    ["claude-opus-4-0", 15, 75],
    ["claude-sonnet-4-5-20250929", 3, 15],
    ["claude-sonnet-4-6", 3, 15],
    ["claude-sonnet-4-20250514", 3, 15],
    ["claude-haiku-4-5-20251001", 1, 5],
    ["claude-3-5-haiku-20241022", 0.8, 4],
  ])("%s: $%d in, $%d out per million; cache write 1.25×, cache read 0.1× input", (model, input, output) => {
    const p = priceOf(model, DEFAULT_PRICES);
    expect(p).toBeDefined();
    expect(p?.input).toBe(input);
    expect(p?.output).toBe(output);
    expect(p?.cacheWrite).toBeCloseTo(input * 1.25, 10);
    expect(p?.cacheRead).toBeCloseTo(input * 0.1, 10);
  });

  it("claude-3-haiku: the list's $0.30 cache write and $0.03 read beside $0.25 in, $1.25 out", () => {
    expect(priceOf("claude-3-haiku-20240307", DEFAULT_PRICES)).toEqual({
      input: 0.25,
      output: 1.25,
      cacheWrite: 0.3,
      cacheRead: 0.03,
    });
  });

  it.each([
    ["gpt-4o", 2.5, 10, 1.25],
    ["gpt-4o-2024-11-20", 2.5, 10, 1.25],
    ["gpt-4o-mini", 0.15, 0.6, 0.075],
    ["gpt-4o-mini-2024-07-18", 0.15, 0.6, 0.075],
    ["gpt-4.1", 2, 8, 0.5],
    ["gpt-4.1-2025-04-14", 2, 8, 0.5],
    ["gpt-4.1-mini", 0.4, 1.6, 0.1],
    ["gpt-4.1-nano", 0.1, 0.4, 0.025],
    ["o3-mini", 1.1, 4.4, 0.55],
    ["o3-mini-2025-01-31", 1.1, 4.4, 0.55],
    ["o4-mini", 1.1, 4.4, 0.275],
  ])(
    "%s (OpenAI): $%s in, $%s out, $%s cached per million; a cache write costs what input does",
    (model, input, output, cacheRead) => {
      expect(priceOf(model, DEFAULT_PRICES)).toEqual({ input, output, cacheWrite: input, cacheRead });
    },
  );

  it("prices OpenAI models by exact id: a variant priced apart is not taken for its namesake", () => {
    for (const model of ["gpt-4o-2024-05-13", "gpt-4o-audio-preview", "gpt-4.1-mini-preview", "o3-mini-high"]) {
      expect(priceOf(model, DEFAULT_PRICES), model).toBeUndefined();
    }
  });

  it("an exact id wins over a pattern, a longer pattern over a shorter one", () => {
    const table = resolvePrices({
      models: {
        "claude-sonnet-4-5-20250929": { input: 1, output: 1 },
        "claude-sonnet-4-5*": { input: 2, output: 2 },
      },
    });
    expect(priceOf("claude-sonnet-4-5-20250929", table)?.input).toBe(1);
    expect(priceOf("claude-sonnet-4-5", table)?.input).toBe(2);
    expect(priceOf("claude-sonnet-4-6", table)?.input).toBe(3);
  });

  it("a model in no row (the fake's, one newer than the table) has no price", () => {
    expect(priceOf("fake-model", DEFAULT_PRICES)).toBeUndefined();
    expect(costUsd("fake-model", million, DEFAULT_PRICES)).toBeUndefined();
    expect(costUsd("claude-sonnet", million, DEFAULT_PRICES)).toBeUndefined();
  });
});

describe("costUsd", () => {
  it("prices each of the four counts by its column", () => {
    const m = "claude-sonnet-4-5";
    const t = DEFAULT_PRICES;
    expect(costUsd(m, { inputTokens: 1e6, outputTokens: 0 }, t)).toBeCloseTo(3, 10);
    expect(costUsd(m, { inputTokens: 0, outputTokens: 1e6 }, t)).toBeCloseTo(15, 10);
    expect(costUsd(m, { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 1e6 }, t)).toBeCloseTo(3.75, 10);
    expect(costUsd(m, { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 1e6 }, t)).toBeCloseTo(0.3, 10);
  });

  it("adds them: a call of 1,200 in, 350 out, 2,000 written to and 10,000 read from the cache on Opus 4.5", () => {
    const usage = {
      inputTokens: 1200,
      outputTokens: 350,
      cacheCreationInputTokens: 2000,
      cacheReadInputTokens: 10_000,
    };
    // 1200×5 + 350×25 + 2000×6.25 + 10000×0.5 = 6000 + 8750 + 12500 + 5000 = 32,250 per million
    expect(costUsd("claude-opus-4-5", usage, DEFAULT_PRICES)).toBeCloseTo(0.03225, 12);
  });

  it("prices an OpenAI call whose prompt was partly cached: uncached input, cached input, output", () => {
    // gpt-4.1-mini: 1,000 uncached in at $0.40, 9,000 cached at $0.10, 500 out at $1.60 = 400 + 900 + 800 per million
    const usage = { inputTokens: 1000, outputTokens: 500, cacheReadInputTokens: 9000 };
    expect(costUsd("gpt-4.1-mini", usage, DEFAULT_PRICES)).toBeCloseTo(0.0021, 12);
  });

  it("no usage costs zero on a priced model", () => {
    expect(costUsd("claude-haiku-4-5", { inputTokens: 0, outputTokens: 0 }, DEFAULT_PRICES)).toBe(0);
  });

  it("a batch call takes the table's discount off every column", () => {
    const usage = { inputTokens: 1e6, outputTokens: 1e6, cacheCreationInputTokens: 1e6, cacheReadInputTokens: 1e6 };
    const full = 1 + 5 + 1.25 + 0.1;
    expect(costUsd("claude-haiku-4-5", usage, DEFAULT_PRICES)).toBeCloseTo(full, 10);
    expect(costUsd("claude-haiku-4-5", usage, DEFAULT_PRICES, { batch: true })).toBeCloseTo(full / 2, 10);
    const noDiscount = resolvePrices({ batchDiscount: 0 });
    expect(costUsd("claude-haiku-4-5", usage, noDiscount, { batch: true })).toBeCloseTo(full, 10);
  });
});

describe("resolvePrices (PRICE_TABLE over the defaults)", () => {
  it("without an override, the defaults", () => {
    expect(resolvePrices()).toBe(DEFAULT_PRICES);
    expect(resolvePrices({})).toEqual(DEFAULT_PRICES);
  });

  it("a row replaces the default row of its key and adds new keys; the others stay", () => {
    const t = resolvePrices({
      models: {
        "claude-sonnet-4*": { input: 2, output: 10, cacheWrite: 4, cacheRead: 0.2 },
        "my-model": { input: 1, output: 2 },
      },
    });
    expect(t.models["claude-sonnet-4*"]).toEqual({ input: 2, output: 10, cacheWrite: 4, cacheRead: 0.2 });
    expect(t.models["claude-haiku-4-5*"]).toEqual(DEFAULT_PRICES.models["claude-haiku-4-5*"]);
    expect(costUsd("my-model", million, t)).toBeCloseTo(1, 10);
    expect(t.version).toBe(`${DEFAULT_PRICES.version}+config`);
  });

  it("a row without cache columns takes Anthropic's multiples of its input", () => {
    const p = resolvePrices({ models: { "claude-sonnet-5*": { input: 4, output: 20 } } }).models["claude-sonnet-5*"];
    expect(p?.cacheWrite).toBeCloseTo(5, 10);
    expect(p?.cacheRead).toBeCloseTo(0.4, 10);
  });

  it("keeps a version it is given; refuses a bad override", () => {
    expect(resolvePrices({ version: "contract-2026", batchDiscount: 0.4 })).toMatchObject({
      version: "contract-2026",
      batchDiscount: 0.4,
    });
    expect(() => resolvePrices({ models: { x: { input: -1, output: 1 } } })).toThrow();
    expect(() => resolvePrices({ batchDiscount: 2 })).toThrow();
    expect(() => resolvePrices("cheap")).toThrow();
  });
});
