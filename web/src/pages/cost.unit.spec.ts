import { describe, expect, it } from "vitest";
import { usd, usdCents } from "./cost.ts";

describe("usd", () => {
  it("cents from a dollar up, four significant digits below, nothing as $0", () => {
    expect(usd(0)).toBe("$0");
    expect(usd(12.5)).toMatch(/^\$12[.,]50$/);
    expect(usd(0.0412)).toBe("$0.0412");
    expect(usd(0.002106)).toBe("$0.002106");
    expect(usd(0.5)).toBe("$0.50");
    expect(usd(0.00001236)).toBe("$0.00001236");
    expect(usd(0.000000012)).toBe("<$0.00001");
  });
});

describe("usdCents", () => {
  it("cents, and below a cent a bound", () => {
    expect(usdCents(0)).toBe("$0");
    expect(usdCents(0.000047)).toBe("<$0.01");
    expect(usdCents(0.0105)).toBe("$0.01");
    expect(usdCents(1234.5)).toMatch(/^\$1.234[.,]50$/);
  });
});
