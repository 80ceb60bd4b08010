import { describe, expect, it } from "vitest";
import { levelAt } from "./lanes.ts";

const MIN = 60_000;

describe("levelAt", () => {
  it("refills at the limit per window from when the bucket was written, up to the limit", () => {
    expect(levelAt({ level: 100, at: 0 }, 600, null, MIN, 10_000)).toBe(200);
    expect(levelAt({ level: 500, at: 0 }, 600, null, MIN, 30_000)).toBe(600);
    expect(levelAt({ level: -300, at: 0 }, 600, null, MIN, 10_000)).toBe(-200);
  });
  it("refills from the end of a 429's pause, not before", () => {
    expect(levelAt({ level: 0, at: 0 }, 600, 20_000, MIN, 10_000)).toBe(0);
    expect(levelAt({ level: 0, at: 0 }, 600, 20_000, MIN, 30_000)).toBe(100);
  });
  it("is null for a lane without that limit", () => {
    expect(levelAt({ level: 5, at: 0 }, null, null, MIN, 10_000)).toBeNull();
  });
});
