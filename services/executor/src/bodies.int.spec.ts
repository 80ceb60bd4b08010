import type { ModelInput } from "@taskjet/events";
import { type Bodies, getOutputBody, openBodies, putBody } from "@taskjet/runtime";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimCheckOutput, resolveInput } from "./bodies.ts";

let ctx: TestContext;
let store: Bodies;

beforeAll(async () => {
  ctx = await createTestContext("execbodies");
  store = await openBodies(ctx.js, ctx.names, ctx.config);
});
afterAll(() => ctx.cleanup());

const input: ModelInput = { prompt: "", system: null, model: "m", maxTokens: 10, temperature: null, topK: 2 };

describe("the executor's claim checks", () => {
  it("an input without a reference is used as it is", async () => {
    expect(await resolveInput(store, input)).toBe(input);
  });

  it("a claim-checked input is called with its stored fields, and no reference", async () => {
    const messages = [{ role: "user" as const, content: "y".repeat(2 * 1024 * 1024) }];
    const body = { prompt: "", system: [{ type: "text" as const, text: "be brief" }], messages };
    const inputRef = await putBody(store, "input/t1", body);
    const resolved = await resolveInput(store, { ...input, inputRef });
    expect(resolved).toEqual({ ...input, ...body });
    expect("inputRef" in resolved).toBe(false);
  });

  it("an input whose body is gone fails clearly", async () => {
    const inputRef = { name: "input/gone", bytes: 3, sha256: "00" };
    await expect(resolveInput(store, { ...input, inputRef })).rejects.toThrow(
      "body input/gone is not in the object store",
    );
  });

  it("a reply within the limit stays in the event", async () => {
    const reply = { output: "short", content: [{ type: "text" as const, text: "short" }] };
    expect(await claimCheckOutput(store, "output/t2/1/1", 1024, reply)).toBe(reply);
  });

  it("a reply past the limit is stored under its name and replaced by a reference", async () => {
    const content = [
      { type: "thinking" as const, thinking: "hm", signature: "s" },
      { type: "text" as const, text: "z".repeat(4096) },
    ];
    const checked = await claimCheckOutput(store, "output/t3/1/2", 1024, { output: "z".repeat(4096), content });
    expect(checked).toEqual({ output: "", outputRef: expect.objectContaining({ name: "output/t3/1/2" }) });
    if (checked.outputRef === undefined) throw new Error("no reference");
    expect(await getOutputBody(store, checked.outputRef)).toEqual({ output: "z".repeat(4096), content });
  });
});
