import {
  ConflictError,
  type Delta,
  ForbiddenError,
  type LiveEvent,
  NotFoundError,
  type Task,
  Taskjet,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
} from "@taskjet/client";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem } from "./system.ts";

// The whole system — gateway, scheduler, executor on the fake provider, projector — driven only through
// @taskjet/client, as an application would: submit, stream the output to its end, wait, cancel, retry, list.
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let client: Taskjet;

beforeAll(async () => {
  ctx = await createTestContext("e2eclient");
  system = await startSystem(ctx);
  client = new Taskjet({ baseUrl: system.baseUrl });
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

const unique = (text: string) => `${text} ${crypto.randomUUID().slice(0, 8)}`;

async function collect(events: AsyncIterable<LiveEvent>) {
  const tasks: Task[] = [];
  const deltas: Delta[] = [];
  for await (const e of events) {
    if (e.type === "task") tasks.push(e.task);
    else deltas.push(e);
  }
  return { tasks, deltas, text: deltas.map((d) => d.text).join("") };
}

describe("@taskjet/client against the running system", () => {
  it("submits a task and streams its statuses and output to the end", async () => {
    const task = await client.submit({ prompt: unique("[fake:slow=20] tell me a story about queues") });
    expect(task.status).toBe("submitted");
    const { tasks, deltas, text } = await collect(client.stream(task.id));
    const last = tasks.at(-1);
    expect(last?.status).toBe("completed");
    expect(tasks.map((t) => t.status)).toContain("running");
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i)); // no gap, no repeat
    expect(text).toBe(last?.output);
    // versions only move forward
    const times = tasks.map((t) => Date.parse(t.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("resumes a broken stream without a gap or a repeat", async () => {
    // The first socket is dropped by the client's side after three deltas: the stream connects again, gets the
    // snapshot and the output replayed from the start, and hands on only what it had not given yet.
    let sockets = 0;
    class BreakingWebSocket extends WebSocket {
      constructor(url: string | URL) {
        super(url);
        const n = ++sockets;
        let deltas = 0;
        this.addEventListener("message", (e: MessageEvent) => {
          if (n === 1 && JSON.parse(String(e.data)).type === "delta" && ++deltas === 3) this.close();
        });
      }
    }
    const breaking = new Taskjet({ baseUrl: system.baseUrl, WebSocket: BreakingWebSocket });
    const task = await breaking.submit({ prompt: unique("[fake:slow=30] tell me a long story") });
    const { tasks, deltas, text } = await collect(breaking.stream(task.id));
    expect(sockets).toBeGreaterThan(1);
    expect(tasks.at(-1)?.status).toBe("completed");
    expect(deltas.map((d) => d.index)).toEqual(deltas.map((_, i) => i));
    expect(text).toBe(tasks.at(-1)?.output);
  });

  it("waits for a task to finish from the live stream", async () => {
    const prompt = unique("Write a haiku");
    const idempotencyKey = `haiku-${crypto.randomUUID()}`;
    const task = await client.submit({ prompt, maxTokens: 200 }, { idempotencyKey });
    const again = await client.submit({ prompt, maxTokens: 200 }, { idempotencyKey });
    expect(again.id).toBe(task.id); // the key made it one task
    const done = await client.wait(task.id, { timeout: 20_000 });
    expect(done).toMatchObject({ id: task.id, status: "completed", output: `Fake reply to: ${prompt}` });
    expect(await client.get(task.id)).toMatchObject({ status: "completed", output: done.output });
  });

  it("cancels a task mid-generation; the stream ends with it cancelled and its partial output", async () => {
    const task = await client.submit({ prompt: unique("[fake:slow=200] a story to stop") });
    const seen: LiveEvent[] = [];
    let cancelled: Task | undefined;
    for await (const e of client.stream(task.id)) {
      seen.push(e);
      if (e.type === "delta" && cancelled === undefined) cancelled = await client.cancel(task.id, "enough");
    }
    expect(cancelled?.status).toBe("cancelled");
    const last = seen.filter((e) => e.type === "task").at(-1);
    expect(last?.type === "task" && last.task).toMatchObject({ status: "cancelled", cancelReason: "enough" });
    expect(await client.wait(task.id)).toMatchObject({ status: "cancelled" });
    await expect(client.retry(task.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it("retries a failed task, which then completes", async () => {
    // The first call is answered 529 and one attempt is all it has; the second call succeeds.
    const task = await client.submit({ prompt: unique("Overloaded once [fake:overloaded=1]"), maxAttempts: 1 });
    const failed = await client.wait(task.id);
    expect(failed.status).toBe("failed");
    const retried = await client.retry(task.id);
    const done = await client.wait(task.id, { since: retried.updatedAt });
    expect(done.status).toBe("completed");
    const types = (await client.events(task.id)).map((e) => e.type);
    expect(types).toContain("TaskRetryRequested");
    expect(types.at(-1)).toBe("TaskCompleted");
  });

  it("submits many, and lists every task page after page", async () => {
    const results = await client.submitMany([
      { prompt: unique("one") },
      { prompt: unique("two") },
      { prompt: unique("three") },
    ]);
    const ids = results.map((r) => ("id" in r ? r.id : undefined));
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    for (const id of ids) await client.wait(id as string);
    const listed: string[] = [];
    for await (const t of client.list({ limit: 2 })) listed.push(t.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
    expect(new Set(listed).size).toBe(listed.length); // pages neither overlap nor repeat
    const completed: Task[] = [];
    for await (const t of client.list({ status: ["completed"], limit: 500 })) completed.push(t);
    expect(completed.every((t) => t.status === "completed")).toBe(true);
  });

  it("throws the API's errors as classes", async () => {
    const missing = crypto.randomUUID();
    await expect(client.get(missing)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.wait(missing)).rejects.toBeInstanceOf(NotFoundError);
    const invalid = await client.submit({ prompt: "x", temperature: 7 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).fields.map((f) => f.path)).toContain("body.temperature");
    const later = await client.submit({ prompt: unique("later"), delaySeconds: 3600 });
    await expect(client.wait(later.id, { timeout: 300 })).rejects.toBeInstanceOf(TimeoutError);
    await client.cancel(later.id);
  });

  it("with auth on: the key on every request and first on the socket; a missing or narrow key is refused", async () => {
    const admin = `tj_admin_${crypto.randomUUID().replaceAll("-", "")}`;
    const baseUrl = await system.addGateway({ ...ctx.config, AUTH_MODE: "required", BOOTSTRAP_ADMIN_KEY: admin });
    const created = await new Taskjet({ baseUrl, apiKey: admin }).keys.create({
      tenant: "acme",
      scopes: ["tasks:read", "tasks:write"],
    });
    const acme = new Taskjet({ baseUrl, apiKey: created.key });
    const task = await acme.submit({ prompt: unique("with a key") });
    expect(await acme.wait(task.id)).toMatchObject({ id: task.id, status: "completed" }); // the socket authenticated
    const anonymous = new Taskjet({ baseUrl });
    await expect(anonymous.get(task.id)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(anonymous.wait(task.id)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(acme.keys.list()).rejects.toBeInstanceOf(ForbiddenError);
  });
});
