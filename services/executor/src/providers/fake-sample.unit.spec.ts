import { describe, expect, it } from "vitest";
import { mismatchOf, sampleOf } from "./fake-sample.ts";

describe("sampleOf", () => {
  it.each([
    ["a string", { type: "string" }, "sample value"],
    ["a string of a format", { type: "string", format: "date" }, "2026-01-01"],
    ["a string at least so long", { type: "string", minLength: 15 }, "sample value..."],
    ["a string at most so long", { type: "string", maxLength: 3 }, "sam"],
    ["an integer", { type: "integer" }, 1],
    ["an integer from a minimum", { type: "integer", minimum: 17.5 }, 18],
    ["a number", { type: "number" }, 1.5],
    ["a boolean", { type: "boolean" }, true],
    ["null", { type: "null" }, null],
    ["the first of a list of types", { type: ["integer", "null"] }, 1],
    ["an enum's first value", { type: "string", enum: ["celsius", "fahrenheit"] }, "celsius"],
    ["a const", { const: 7 }, 7],
    ["the first of anyOf", { anyOf: [{ type: "boolean" }, { type: "string" }] }, true],
    ["an array of one item", { type: "array", items: { type: "integer" } }, [1]],
    ["an array of minItems", { type: "array", items: { type: "boolean" }, minItems: 2 }, [true, true]],
    ["a schema it cannot read", { $ref: "#/defs/x" }, "sample value"],
  ])("%s", (_, schema, expected) => {
    expect(sampleOf(schema)).toEqual(expected);
  });

  it("fills an object's required properties, named after them, and only those", () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1 },
        where: { type: "object", properties: { lat: { type: "number" } }, required: ["lat"] },
        optional: { type: "string" },
      },
      required: ["city", "unit", "days", "where"],
    };
    expect(sampleOf(schema)).toEqual({ city: "sample city", unit: "celsius", days: 1, where: { lat: 1.5 } });
    expect(sampleOf({ type: "object" })).toEqual({});
    expect(sampleOf({ properties: { a: { type: "boolean" } }, required: ["a"] })).toEqual({ a: true });
  });
});

describe("mismatchOf", () => {
  it("is of another type than the schema asks for", () => {
    expect(typeof mismatchOf({ type: "object" })).toBe("string");
    expect(typeof mismatchOf({ type: "array" })).toBe("string");
    expect(typeof mismatchOf({ type: "string" })).toBe("number");
  });
});
