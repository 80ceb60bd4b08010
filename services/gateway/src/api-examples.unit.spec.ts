import { describe, expect, it } from "vitest";
import { CreateTaskBody, SubmitTaskBody, TaskResource, TRUNCATED_TASK_EXAMPLE } from "./api-schemas.ts";
import { documentTaskExamples } from "./openapi.ts";

// The OpenAPI document shows these to users: each must be a request the gateway takes and a task it could answer.
describe("the OpenAPI examples", () => {
  const meta = CreateTaskBody.meta()?.examples;
  const examples: unknown[] = Array.isArray(meta) ? meta : [];

  it.each(examples.map((e, i): [number, unknown] => [i + 1, e]))(
    "request example %d is a valid POST /tasks and /chain body",
    (_n, e) => {
      expect(CreateTaskBody.safeParse(e).error).toBeUndefined();
      expect(SubmitTaskBody.safeParse(e).error).toBeUndefined();
    },
  );

  it("are there: seven requests", () => {
    expect(examples).toHaveLength(7);
  });

  it("show an image block, a provider with fallbackModels, cacheControl on system", () => {
    const json = JSON.stringify(examples);
    expect(json).toContain('"type":"image"');
    expect(json).toMatch(/"provider":"openai".*"fallbackModels"/);
    expect(json).toMatch(/"system":\[\{[^\]]*"cacheControl":\{"type":"ephemeral"\}/);
    expect(SubmitTaskBody.meta()?.examples).toEqual(examples);
  });

  it("of a task are valid tasks: a tool call, and a reply cut short at maxTokens", () => {
    expect(TaskResource.safeParse(TaskResource.meta()?.example).error).toBeUndefined();
    expect(TaskResource.parse(TRUNCATED_TASK_EXAMPLE)).toMatchObject({ stopReason: "max_tokens", status: "completed" });
  });

  it("are both listed by GET /tasks/{id}", () => {
    const media = { schema: { $ref: "#/components/schemas/Task" } };
    const doc = {
      paths: { "/tasks/{id}": { get: { responses: { "200": { content: { "application/json": media } } } } } },
      components: { schemas: { Task: { example: { id: "x" } } } },
    };
    expect(documentTaskExamples(doc)).toBe(doc);
    expect(media).toMatchObject({
      examples: { toolUse: { value: { id: "x" } }, maxTokens: { value: TRUNCATED_TASK_EXAMPLE } },
    });
  });
});
