import { fakeOutput } from "@taskjet/executor";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";
import { connectWs } from "./ws-client.ts";

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ctx = await createTestContext("ws", { MAX_PROMPT_CHARS: "400000" });
  system = await startSystem(ctx, { llmLatencyMs: 300 });
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

const statusesInOrder = ["submitted", "queued", "running", "completed"];

describe("WebSocket /ws", () => {
  it("pushes a snapshot, every status in order, then the output as it is generated", async () => {
    // Slow enough to stream: a call that ends inside the first window sends no delta at all.
    const prompt = "tell me a story about queues [fake:slow=5]";
    const { body: task } = await postJson(`${system.baseUrl}/tasks`, { prompt });
    const ws = await connectWs(system.baseUrl, `/ws?taskId=${task.id}`);
    await waitFor(() => ws.statuses(task.id).includes("completed"), { what: "completed over ws" });
    const seen = ws.statuses(task.id);
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(
      statusesInOrder.slice(statusesInOrder.indexOf(seen[0] as string)),
    );
    const expected = fakeOutput(prompt);
    await waitFor(() => ws.output(task.id) === expected, { what: "the whole output as deltas" });
    const indexes = ws.messages.filter((m) => m.type === "delta").map((m) => m.index);
    expect(indexes).toEqual(indexes.map((_, i) => i)); // no gap, no duplicate
    ws.close();
  });

  it("gives a late subscriber the task as it is and the whole output so far", async () => {
    const { body: task } = await postJson(`${system.baseUrl}/tasks`, { prompt: "late [fake:slow=5]" });
    await waitFor(async () => {
      const t = (await (await fetch(`${system.baseUrl}/tasks/${task.id}`)).json()) as { status: string };
      return t.status === "completed";
    });
    const ws = await connectWs(system.baseUrl);
    ws.send({ type: "subscribe", taskIds: [task.id] });
    await waitFor(() => ws.output(task.id) === fakeOutput("late [fake:slow=5]"), { what: "replayed output" });
    expect(ws.statuses(task.id)).toEqual(["completed"]);
    ws.close();
  });

  it("streams the output of a task followed by id after subscribe-all already sent it (as the console's task page does)", async () => {
    // Slow (about 18 s of output): its deltas must come while it runs, not once a later version of it does.
    const { body: task } = await postJson(`${system.baseUrl}/tasks`, { prompt: "all, then by id [fake:slow=200]" });
    await waitFor(async () => {
      const t = (await (await fetch(`${system.baseUrl}/tasks/${task.id}`)).json()) as { status: string };
      return t.status === "running";
    });
    const ws = await connectWs(system.baseUrl);
    ws.send({ type: "subscribe", all: true, since: new Date(Date.now() - 60_000).toISOString() });
    await waitFor(() => ws.statuses(task.id).includes("running"), { what: "the task from subscribe-all" });
    ws.send({ type: "subscribe", taskIds: [task.id] });
    await waitFor(() => ws.output(task.id).startsWith("Fake reply"), { what: "its output so far, as deltas" });
    expect(ws.statuses(task.id)).toEqual(["running"]);
    await postJson(`${system.baseUrl}/tasks/${task.id}/cancel`, {});
    ws.close();
  });

  it("pushes from every gateway to its own clients, including subscribe-all per tenant", async () => {
    const second = await system.addGateway();
    const a = await connectWs(system.baseUrl, "/ws", { "x-tenant-id": "acme" });
    const b = await connectWs(second, "/ws", { "x-tenant-id": "acme" });
    const other = await connectWs(second, "/ws", { "x-tenant-id": "globex" });
    for (const ws of [a, b, other]) ws.send({ type: "subscribe", all: true });
    await waitFor(() => [a, b, other].every((ws) => ws.messages.some((m) => m.type === "subscribed")));
    const { body: task } = await postJson(`${system.baseUrl}/tasks`, { prompt: "both" }, { "x-tenant-id": "acme" });
    await waitFor(() => a.statuses(task.id).includes("completed") && b.statuses(task.id).includes("completed"));
    expect(other.statuses(task.id)).toEqual([]);
    for (const ws of [a, b, other]) ws.close();
  });

  it("answers bad messages with an error and keeps the connection", async () => {
    const ws = await connectWs(system.baseUrl);
    ws.socket.send("not json");
    ws.send({ type: "subscribe", taskIds: ["nope"] });
    ws.send({ type: "dance" });
    ws.send({ type: "subscribe", taskIds: ["0b6f7a3e-5c1d-4e8a-9b2f-3d4c5e6f7a8b"] });
    await waitFor(() => ws.messages.filter((m) => m.type === "error").length === 4, { what: "four errors" });
    const codes = ws.messages.filter((m) => m.type === "error").map((m) => (m.error as { code: string }).code);
    expect(codes).toEqual(["invalid_message", "invalid_message", "invalid_message", "not_found"]);
    expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    ws.close();
  });

  it("drops a client that does not read, without delaying the others", async () => {
    const tight = await system.addGateway({ ...ctx.config, WS_MAX_BUFFERED_BYTES: 64 * 1024 });
    const slow = await connectWs(tight, "/ws", { "x-tenant-id": "bulk" });
    const fast = await connectWs(tight, "/ws", { "x-tenant-id": "bulk" });
    for (const ws of [slow, fast]) ws.send({ type: "subscribe", all: true });
    await waitFor(() => [slow, fast].every((ws) => ws.messages.some((m) => m.type === "subscribed")));
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const big = "x".repeat(150_000);
    const ids = await Promise.all(
      Array.from(
        { length: 40 },
        async (_, i) =>
          (await postJson(`${system.baseUrl}/tasks`, { prompt: `${i} ${big}` }, { "x-tenant-id": "bulk" })).body.id,
      ),
    );
    await waitFor(() => ids.every((id) => fast.statuses(id).includes("completed")), {
      what: "the fast client gets everything",
      timeoutMs: 30_000,
    });
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toMatchObject({ code: 1013 });
    fast.close();
  });
});
