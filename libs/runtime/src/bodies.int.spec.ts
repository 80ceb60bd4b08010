import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bodies, BodyUnavailableError, getBody, getOutputBody, openBodies, putBody } from "./bodies.ts";

let ctx: TestContext;
let bodies: Bodies;

beforeAll(async () => {
  ctx = await createTestContext("bodies");
  bodies = await openBodies(ctx.js, ctx.names, ctx.config);
});
afterAll(() => ctx.cleanup());

describe("bodies in the object store", () => {
  it("stores a body larger than one NATS message and reads it back, checked", async () => {
    const value = { output: "x".repeat(5 * 1024 * 1024) };
    const ref = await putBody(bodies, "output/a/1/1", value);
    expect(ref.bytes).toBe(5 * 1024 * 1024 + '{"output":""}'.length);
    expect(ref.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await getOutputBody(bodies, ref)).toEqual(value);
  });

  it("lives in the namespace's bucket <kvPrefix>_bodies, which the namespace's cleanup deletes", async () => {
    expect((await bodies.status()).bucket).toBe(`${ctx.names.kvPrefix}_bodies`);
    const streams: string[] = [];
    for await (const name of ctx.jsm.streams.names()) streams.push(name);
    expect(streams).toContain(`OBJ_${ctx.names.kvPrefix}_bodies`);
  });

  it("a missing body is a clear error", async () => {
    const missing = getBody(bodies, { name: "input/none", bytes: 2, sha256: "00" });
    await expect(missing).rejects.toThrow(BodyUnavailableError);
    await expect(missing).rejects.toThrow("body input/none is not in the object store");
  });

  it("a body that does not match its reference is refused", async () => {
    const ref = await putBody(bodies, "input/changed", { prompt: "first" });
    await putBody(bodies, "input/changed", { prompt: "second" });
    await expect(getBody(bodies, ref)).rejects.toThrow("does not match its reference");
  });

  it("a body of the wrong shape is refused", async () => {
    const ref = await putBody(bodies, "output/odd", { text: 1 });
    await expect(getOutputBody(bodies, ref)).rejects.toThrow("is not what it should be");
  });
});
