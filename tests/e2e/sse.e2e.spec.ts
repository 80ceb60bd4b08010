import { spawn, spawnSync } from "node:child_process";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";

// GET /tasks/:id/stream end to end: curl -N follows a task to its end; a reconnect with Last-Event-ID resumes.
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
const curl = spawnSync("curl", ["--version"]).status === 0;

beforeAll(async () => {
  ctx = await createTestContext("e2esse");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

type Frame = { id?: string; event: string; data: Record<string, unknown> };
function framesOf(text: string): Frame[] {
  return text
    .split("\n\n")
    .filter((block) => block.includes("event: "))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      return { id: field("id"), event: field("event") ?? "", data: JSON.parse(field("data") ?? "null") };
    });
}
const textOf = (frames: Frame[]) =>
  frames
    .filter((f) => f.event === "delta")
    .map((f) => f.data.text)
    .join("");

/** A task whose reply is streamed a word every 40 ms: a dozen deltas or more. */
const slowTask = () => postJson(`${system.baseUrl}/tasks`, { prompt: "[fake:slow=40] tell me a long story" });

describe("GET /tasks/:id/stream (Server-Sent Events)", () => {
  it.skipIf(!curl)(
    "curl -N shows the output as it is generated and the task to its end",
    async () => {
      const { body } = await slowTask();
      const child = spawn("curl", ["-sN", `${system.baseUrl}/tasks/${body.id}/stream`]);
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      const code = await new Promise((resolve) => child.on("exit", resolve));
      expect(code).toBe(0); // the server ended the stream: curl -N exits on its own
      const frames = framesOf(out);
      const last = frames.at(-1);
      expect(last?.event).toBe("end");
      expect(last?.data).toEqual({ status: "completed" });
      const final = frames.at(-2);
      expect(final?.event).toBe("task");
      expect(final?.data.status).toBe("completed");
      expect(frames[0]?.event).toBe("task");
      expect(frames.filter((f) => f.event === "delta").length).toBeGreaterThan(3);
      expect(textOf(frames)).toBe(final?.data.output);
    },
    30_000,
  );

  it("resumes after the Last-Event-ID it was given: the rest of the output, nothing twice", async () => {
    const { body } = await slowTask();
    const url = `${system.baseUrl}/tasks/${body.id}/stream`;
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (framesOf(seen).filter((f) => f.event === "delta").length < 3) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before three deltas:\n${seen}`);
      seen += decoder.decode(value, { stream: true });
    }
    abort.abort();
    const before = framesOf(seen).filter((f) => f.event === "delta");
    const lastId = before.at(-1)?.id as string;

    const again = await fetch(url, { headers: { "last-event-id": lastId } });
    const rest = framesOf(await again.text());
    const deltas = rest.filter((f) => f.event === "delta");
    expect(rest[0]?.event).toBe("task");
    expect(rest.at(-1)?.event).toBe("end");
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((d) => Number(d.data.index) > Number(before.at(-1)?.data.index))).toBe(true);
    const final = rest.at(-2)?.data;
    expect(textOf([...before, ...deltas])).toBe(final?.output);
  }, 30_000);

  it("answers a task it does not know with 404, and a Last-Event-ID it never sent with 400", async () => {
    const unknown = await fetch(`${system.baseUrl}/tasks/${crypto.randomUUID()}/stream`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const { body } = await postJson(`${system.baseUrl}/tasks`, { prompt: "hi" });
    const bad = await fetch(`${system.baseUrl}/tasks/${body.id}/stream`, { headers: { "last-event-id": "x" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe(
      "headers.last-event-id",
    );
  });
});
