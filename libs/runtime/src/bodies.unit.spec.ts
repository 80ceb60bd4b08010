import { describe, expect, it } from "vitest";
import { bodyBytes, inputBodyOf, needsClaimCheck, withInputBody, withInputRef } from "./bodies.ts";

const ref = { name: "input/t", bytes: 10, sha256: "ab" };
const input = {
  prompt: "p",
  system: "s",
  model: "m",
  maxTokens: 5,
  temperature: null,
  messages: [{ role: "user" as const, content: "hello" }],
  tools: [{ name: "t", inputSchema: { type: "object" as const } }],
  topK: 3,
};

describe("claim check of an input", () => {
  it("goes to the object store only past the limit", () => {
    expect(needsClaimCheck(1024, 1024)).toBe(false);
    expect(needsClaimCheck(1025, 1024)).toBe(true);
  });

  it("measures a body as the UTF-8 bytes of its JSON", () => {
    expect(bodyBytes({ a: "é" }).byteLength).toBe('{"a":"é"}'.length + 1);
  });

  it("keeps the large fields, and only those, in the body", () => {
    expect(inputBodyOf(input)).toEqual({
      prompt: "p",
      system: "s",
      messages: input.messages,
      tools: input.tools,
    });
    expect(inputBodyOf({ prompt: "p", system: null })).toEqual({ prompt: "p", system: null });
  });

  it("empties those fields in the event and puts them back from the body", () => {
    const checked = withInputRef(input, ref);
    expect(checked).toEqual({
      prompt: "",
      system: null,
      model: "m",
      maxTokens: 5,
      temperature: null,
      topK: 3,
      inputRef: ref,
    });
    const back = withInputBody(checked, inputBodyOf(input));
    expect(back).toEqual(input);
    expect("inputRef" in back).toBe(false);
  });
});
