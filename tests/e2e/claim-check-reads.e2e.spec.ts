import { randomUUID } from "node:crypto";
import type { OutputBlock } from "@taskjet/events";
import { buildApp } from "@taskjet/gateway";
import { startProjector } from "@taskjet/projector";
import { migrate } from "@taskjet/read-model";
import { type Bodies, openBodies, putBody } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWs } from "./ws-client.ts";

/**
 * The gateway's reads of a task whose input and reply are in the object store, with no executor: the events
 * are published here as the gateway, scheduler and executor would write them.
 */
let ctx: TestContext;
let bodies: Bodies;
let baseUrl: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  ctx = await createTestContext("ccreads");
  await migrate(ctx.db, ctx.names, ctx.log);
  const projector = await startProjector({ ...ctx, maxBatch: 500 });
  const app = await buildApp({ ...ctx, now: () => new Date() });
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  bodies = await openBodies(ctx.js, ctx.names, ctx.config);
  stop = async () => {
    await app.close();
    await projector.stop();
  };
});
afterAll(async () => {
  await stop();
  await ctx.cleanup();
});

type Task = { id: string; status: string; prompt: string; output: string | null; content: unknown; messages?: unknown };

describe("reading claim-checked tasks", () => {
  it("GET /tasks/:id, GET /tasks and the WebSocket answer with the stored input and reply", async () => {
    const taskId = randomUUID();
    const at = () => new Date().toISOString();
    const messages = [{ role: "user" as const, content: "the question" }];
    const content: OutputBlock[] = [
      { type: "thinking", thinking: "let me see", signature: "sig" },
      { type: "text", text: "the answer" },
    ];
    const inputRef = await putBody(bodies, `input/${taskId}`, { prompt: "", system: "sys", messages });
    const outputRef = await putBody(bodies, `output/${taskId}/1/1`, { output: "the answer", content });

    const ws = await connectWs(baseUrl);
    ws.send({ type: "subscribe", all: true });
    await waitFor(() => ws.messages.some((m) => m.type === "subscribed"), { what: "subscribed" });
    const checkedInput = { prompt: "", system: null, model: "claude-sonnet-4-5", maxTokens: 100, temperature: null };
    await ctx.publish(ev.submitted({ taskId, at: at(), ...checkedInput, inputRef }));
    await ctx.publish(ev.queued({ taskId, at: at(), input: { ...checkedInput, inputRef } }));
    await ctx.publish(ev.started({ taskId, at: at() }));
    await ctx.publish(ev.completed({ taskId, at: at(), output: "", outputRef }));

    const pushed = await waitFor(
      () => ws.messages.find((m) => m.type === "task" && m.task?.id === taskId && m.task.status === "completed"),
      { what: "the completed task over the WebSocket" },
    );
    ws.close();
    const expected = { id: taskId, prompt: "", system: "sys", messages, output: "the answer", content };
    expect(pushed.task).toMatchObject(expected);
    const versions = ws.messages.filter((m) => m.type === "task").map((m) => m.task as unknown as Task);
    for (const t of versions) expect(t.messages).toEqual(messages); // every version, in order
    expect(versions.map((t) => t.status)).toEqual([...new Set(versions.map((t) => t.status))]);

    expect(await (await fetch(`${baseUrl}/tasks/${taskId}`)).json()).toMatchObject(expected);
    const page = (await (await fetch(`${baseUrl}/tasks`)).json()) as { tasks: Task[] };
    expect(page.tasks.find((t) => t.id === taskId)).toMatchObject(expected);
    const row = await ctx.db
      .selectFrom("tasks")
      .select(["output", "outputRef"])
      .where("id", "=", taskId)
      .executeTakeFirst();
    expect(row).toEqual({ output: "", outputRef });
  });

  it("a large task sent twice under one Idempotency-Key is one task, answered whole both times", async () => {
    const messages = [{ role: "user", content: "x".repeat(2 * 1024 * 1024) }];
    const key = `big-${randomUUID()}`;
    const send = () =>
      fetch(`${baseUrl}/tasks`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ messages }),
      });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = (await Promise.all([first.json(), second.json()])) as Task[];
    expect(b?.id).toBe(a?.id);
    expect(JSON.stringify(b?.messages) === JSON.stringify(messages)).toBe(true);
    const created = (await ctx.history(a?.id ?? "")).filter((e) => e.type === "TaskSubmitted");
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ prompt: "", inputRef: { name: `input/${a?.id}` } });
  });
});
