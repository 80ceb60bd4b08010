import { describe, expect, it } from "vitest";
import { UnauthorizedError } from "./errors.ts";
import { newIdempotencyKey } from "./ids.ts";
import { followLive } from "./live.ts";
import type { LiveEvent, Task } from "./types.ts";

const ID = "00000000-0000-4000-8000-000000000001";

/** A WebSocket the test plays the server of: what the client sent, and messages and closes on demand. */
class FakeSocket {
  static all: FakeSocket[] = [];
  sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.all.push(this);
    queueMicrotask(() => this.onopen?.());
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  push(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.onclose?.({ code, reason: "" });
  }
}

const task = (status: Task["status"], updatedAt: string) => ({
  type: "task",
  task: { id: ID, status, updatedAt, attempts: 1 } as Task,
});
const delta = (index: number, text: string) => ({ type: "delta", taskId: ID, gen: 1, attempt: 1, index, text });
const nextSocket = async (n: number) => {
  while (FakeSocket.all.length < n) await new Promise((r) => setTimeout(r, 1));
  return FakeSocket.all[n - 1] as FakeSocket;
};

function follow(subscribe: { taskIds: string[] } | { all: true }, signal?: AbortSignal) {
  FakeSocket.all = [];
  return followLive({
    url: "ws://gateway/ws",
    apiKey: "tj_key",
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    subscribe,
    backoff: { baseMs: 1, maxMs: 2 },
    ...(signal ? { signal } : {}),
  });
}

describe("the live socket", () => {
  it("authenticates first, and after a break subscribes again and gives only what is new", async () => {
    const live = follow({ taskIds: [ID] });
    const got: LiveEvent[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) got.push((await live.next()).value as LiveEvent);
    };
    const first = live.next().then((r) => got.push(r.value as LiveEvent));
    const one = await nextSocket(1);
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(one.sent).toEqual([
      { type: "auth", key: "tj_key" },
      { type: "subscribe", taskIds: [ID] },
    ]);
    one.push(task("running", "2026-11-27T00:00:01Z"));
    await first;
    one.push(delta(0, "Hel"));
    one.push(delta(1, "lo"));
    await take(2);
    one.drop();
    const two = await nextSocket(2);
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(two.sent.at(-1)).toEqual({ type: "subscribe", taskIds: [ID] });
    // the snapshot again, the output replayed from the start, then the rest
    two.push(task("running", "2026-11-27T00:00:01Z"));
    for (const [i, t] of ["Hel", "lo", " wor", "ld"].entries()) two.push(delta(i, t));
    two.push(task("completed", "2026-11-27T00:00:02Z"));
    await take(3);
    await live.return(undefined);
    expect(got.map((e) => (e.type === "task" ? e.task.status : e.text))).toEqual([
      "running",
      "Hel",
      "lo",
      " wor",
      "ld",
      "completed",
    ]);
    expect(two.closed).toBe(true);
  });

  it("following everything resumes a little before the latest change it saw", async () => {
    const live = follow({ all: true });
    const first = live.next();
    const one = await nextSocket(1);
    one.push(task("completed", "2026-11-27T00:00:10Z"));
    await first;
    one.drop();
    const two = await nextSocket(2);
    await new Promise((r) => queueMicrotask(() => r(null)));
    expect(two.sent.at(-1)).toEqual({ type: "subscribe", all: true, since: "2026-11-27T00:00:05.000Z" });
    await live.return(undefined);
  });

  it("a refused key ends the iteration with UnauthorizedError instead of reconnecting", async () => {
    const live = follow({ taskIds: [ID] });
    const next = live.next();
    const one = await nextSocket(1);
    one.push({ type: "error", error: { code: "unauthorized", message: "unknown key" } });
    one.drop(4401);
    await expect(next).rejects.toBeInstanceOf(UnauthorizedError);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("an abort ends it cleanly", async () => {
    const abort = new AbortController();
    const live = follow({ taskIds: [ID] }, abort.signal);
    const next = live.next();
    const one = await nextSocket(1);
    abort.abort();
    expect(await next).toEqual({ done: true, value: undefined });
    expect(one.closed).toBe(true);
  });
});

describe("idempotency keys", () => {
  it("are UUIDs v4 even where crypto.randomUUID is missing (a browser page over plain http)", () => {
    const key = newIdempotencyKey({ getRandomValues: (a) => globalThis.crypto.getRandomValues(a) });
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
