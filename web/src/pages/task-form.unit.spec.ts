import { describe, expect, it } from "vitest";
import type { Task } from "../api/client.ts";
import { EMPTY_FORM, fieldOf, toBody, valuesFrom } from "./task-form.ts";

describe("the submit form's Messages API field", () => {
  it("merges its JSON into the body, and a conversation replaces an empty prompt", () => {
    const request = JSON.stringify({ messages: [{ role: "user", content: "hi" }], topK: 5 });
    expect(toBody({ ...EMPTY_FORM, request })).toEqual({
      body: { messages: [{ role: "user", content: "hi" }], topK: 5 },
    });
    expect(toBody({ ...EMPTY_FORM, prompt: "p", request: '{"thinking":{"type":"adaptive"}}' })).toEqual({
      body: { prompt: "p", thinking: { type: "adaptive" } },
    });
  });

  it("says what is wrong with JSON that is not an object, on the field itself", () => {
    expect(toBody({ ...EMPTY_FORM, prompt: "p", request: "[1]" })).toEqual({
      problems: { request: "must be a JSON object" },
    });
    expect(toBody({ ...EMPTY_FORM, prompt: "p", request: "{" })).toMatchObject({
      problems: { request: expect.any(String) },
    });
  });

  it("shows the API's errors about its fields on it", () => {
    expect(fieldOf("body.tools.0.name")).toBe("request");
    expect(fieldOf("body.thinking.budgetTokens")).toBe("request");
    expect(fieldOf("body.temperature")).toBe("temperature");
  });

  it("run again with edits brings a task's own Messages API fields back", () => {
    const task = {
      prompt: "",
      system: null,
      model: "m",
      maxTokens: 10,
      temperature: null,
      maxAttempts: 3,
      timeoutSeconds: 60,
      priority: "normal",
      metadata: {},
      runAt: null,
      parentIds: [],
      status: "completed",
      messages: [{ role: "user", content: "hi" }],
      toolChoice: { type: "auto" },
    } as unknown as Task;
    expect(JSON.parse(valuesFrom(task, "rerun", 0).request)).toEqual({
      messages: [{ role: "user", content: "hi" }],
      toolChoice: { type: "auto" },
    });
  });
});
