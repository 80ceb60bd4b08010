import type { EventOf, ModelInput } from "@taskjet/events";
import { fakeOutput, fakeProvider } from "@taskjet/executor";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";
import { connectWs } from "./ws-client.ts";

/** Small, so a reply of a few kB is claim-checked too; a 5 MB input is far past any limit. */
const LIMIT = 1024;
const REPLY_CHARS = 5000;

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
/** What the model was called with, by the text of the last user turn's first 40 characters. */
const calls = new Map<string, ModelInput>();

beforeAll(async () => {
  ctx = await createTestContext("claimcheck", { CLAIM_CHECK_BYTES: String(LIMIT) });
  const fake = fakeProvider({ latencyMs: 5, replyChars: REPLY_CHARS });
  system = await startSystem(ctx, {
    llm: {
      name: "fake",
      generate(req) {
        const last = req.messages?.at(-1)?.content;
        calls.set((typeof last === "string" ? last : req.prompt).slice(0, 40), req);
        return fake.generate(req);
      },
    },
  });
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

type Task = { id: string; status: string; output: string | null; messages?: unknown; system?: unknown };
const getTask = async (id: string) => (await (await fetch(`${system.baseUrl}/tasks/${id}`)).json()) as Task;
const completed = (id: string) =>
  waitFor(
    async () => {
      const t = await getTask(id);
      return t.status === "completed" ? t : undefined;
    },
    { what: `task ${id} completed`, timeoutMs: 20_000 },
  );
/** Deep equality without printing 5 MB when it fails. */
const sameAs = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const eventOf = async <T extends "TaskSubmitted" | "TaskCompleted">(id: string, type: T) =>
  (await ctx.history(id)).find((e): e is EventOf<T> => e.type === type);

describe("claim check through the HTTP API", () => {
  it("a 5 MB input goes through the object store and back", async () => {
    const text = `big input ${"word ".repeat(1024 * 1024)}`; // 5 MiB and a bit
    const messages = [{ role: "user", content: text }];
    const res = await postJson(`${system.baseUrl}/tasks`, { messages, system: "be brief" });
    expect(res.status).toBe(202);
    expect(sameAs(res.body.messages, messages)).toBe(true);
    const { id } = res.body;

    const submitted = await eventOf(id, "TaskSubmitted");
    expect(submitted).toMatchObject({ prompt: "", system: null, inputRef: { name: `input/${id}` } });
    expect(submitted?.messages).toBeUndefined();
    expect(JSON.stringify(submitted).length).toBeLessThan(LIMIT);

    const task = await completed(id);
    expect(sameAs(task.messages, messages)).toBe(true);
    expect(task.system).toBe("be brief");
    const call = calls.get(text.slice(0, 40));
    expect(sameAs(call?.messages, messages)).toBe(true);
    expect(call?.system).toBe("be brief");
    expect(call?.inputRef).toBeUndefined();
  });

  it("a reply past the limit is stored, and read back whole over HTTP and the WebSocket", async () => {
    const ws = await connectWs(system.baseUrl);
    ws.send({ type: "subscribe", all: true });
    await waitFor(() => ws.messages.some((m) => m.type === "subscribed"), { what: "subscribed" });
    const { body } = await postJson(`${system.baseUrl}/tasks`, { prompt: "a long answer, please" });
    const expected = fakeOutput("a long answer, please", REPLY_CHARS);

    const task = await completed(body.id);
    expect(task.output).toBe(expected);
    const done = await eventOf(body.id, "TaskCompleted");
    expect(done).toMatchObject({ output: "", outputRef: { name: `output/${body.id}/1/1` } });
    expect(done?.content).toBeUndefined();

    const pushed = await waitFor(
      () => ws.messages.find((m) => m.type === "task" && m.task?.id === body.id && m.task.status === "completed"),
      { what: "the completed task over the WebSocket" },
    );
    expect(pushed.task?.output).toBe(expected);
    ws.close();

    const list = (await (await fetch(`${system.baseUrl}/tasks?status=completed`)).json()) as { tasks: Task[] };
    expect(list.tasks.find((t) => t.id === body.id)?.output).toBe(expected);
  });

  it("a task chained onto a stored reply runs on the whole reply", async () => {
    const { body: parent } = await postJson(`${system.baseUrl}/tasks`, { prompt: "the parent" });
    const res = await postJson(`${system.baseUrl}/tasks/${parent.id}/chain`, { prompt: "child of {{parent.output}}" });
    expect(res.status).toBe(202);
    await completed(res.body.id);
    const call = calls.get("child of Fake reply to: the parent......");
    expect(call?.prompt).toBe(`child of ${fakeOutput("the parent", REPLY_CHARS)}`);
  });
});
