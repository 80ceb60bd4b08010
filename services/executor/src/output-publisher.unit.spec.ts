import { describe, expect, it } from "vitest";
import { DELTAS_PER_SECOND, deltaWindowMs } from "./output-publisher.ts";

describe("deltaWindowMs", () => {
  it("is 75 ms while few calls stream, so a reader sees the reply move smoothly", () => {
    expect(deltaWindowMs(0)).toBe(75);
    expect(deltaWindowMs(1)).toBe(75);
    expect(deltaWindowMs(300)).toBe(75);
  });

  it("widens with the calls streaming, so the executor's deltas per second stay within the budget", () => {
    for (const streaming of [1000, 2000, 4000]) {
      const window = deltaWindowMs(streaming);
      expect(window).toBeGreaterThan(75);
      expect((streaming * 1000) / window).toBeLessThanOrEqual(DELTAS_PER_SECOND);
    }
  });

  it("never waits more than a second between deltas of a long reply", () => {
    expect(deltaWindowMs(10_000)).toBe(1000);
    expect(deltaWindowMs(1_000_000)).toBe(1000);
  });
});
