import { describe, expect, it } from "vitest";
import { isStorableDate, isStorableText, LIMITS, metadataProblem } from "./limits.ts";

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

describe("what the read model can store", () => {
  it("text: no NUL character, no lone surrogate; any other Unicode is fine", () => {
    expect(isStorableText("héllo 😀 \u0001")).toBe(true);
    expect(isStorableText("nul\u0000byte")).toBe(false);
    expect(isStorableText("half \ud800 a pair")).toBe(false);
  });

  it("dates: from 1970 to the end of year 9999", () => {
    expect(isStorableDate("1970-01-01T00:00:00Z")).toBe(true);
    expect(isStorableDate("9999-12-31T23:59:59+00:00")).toBe(true);
    expect(isStorableDate("0000-01-01T00:00:00Z")).toBe(false);
    expect(isStorableDate("1969-12-31T23:59:59Z")).toBe(false);
    expect(isStorableDate("9999-12-31T23:59:59-01:00")).toBe(false);
  });

  it("metadata: depth, key length, size and text at any depth", () => {
    expect(metadataProblem(nested(LIMITS.metadataDepth))).toBeNull();
    expect(metadataProblem(nested(LIMITS.metadataDepth + 1))).toMatch(/deeper than 10/);
    expect(metadataProblem({ ["k".repeat(257)]: 1 })).toMatch(/key is longer than 256/);
    expect(metadataProblem({ a: "x".repeat(LIMITS.metadataBytes) })).toMatch(/bytes as JSON; the limit is 16384/);
    expect(metadataProblem({ a: [{ b: ["ok", "nul\u0000"] }] })).toMatch(/NUL/);
    expect(metadataProblem({ a: { "k\u0000": 1 } })).toMatch(/key holds a NUL/);
  });

  it("metadata nested far past any stack is refused, not overflowed", () => {
    expect(metadataProblem(nested(100_000))).toMatch(/deeper than 10/);
  });
});
