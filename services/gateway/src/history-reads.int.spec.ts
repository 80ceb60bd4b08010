import { EVENT_TYPES, type TaskEvent } from "@taskjet/events";
import { migrate } from "@taskjet/read-model";
import { readTaskHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { streamReads } from "./task-reader.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("histreads", { HISTORY_MAX_EVENTS: "4" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

type Page = { events: { seq: number; type: string; payload: { taskId: string } }[]; truncated: boolean };
const get = (url: string) => app.inject({ method: "GET", url });
const submit = async (prompt = "hi") =>
  (await app.inject({ method: "POST", url: "/tasks", payload: { prompt } })).json();
const consumerCount = async () => (await ctx.jsm.streams.info(ctx.names.stream)).state.consumer_count;

/** Two attempts, a failure, a retry and a success: kinds interleaved, some repeated. */
async function eventfulTask(): Promise<{ id: string; published: TaskEvent["type"][] }> {
  const { id } = await submit();
  const later: TaskEvent[] = [
    ev.queued({ taskId: id }),
    ev.started({ taskId: id, attempt: 1 }),
    ev.attemptFailed({ taskId: id, attempt: 1 }),
    ev.started({ taskId: id, attempt: 2 }),
    ev.failed({ taskId: id, attempts: 2 }),
    ev.retryRequested({ taskId: id, gen: 2 }),
    ev.queued({ taskId: id, gen: 2 }),
    ev.started({ taskId: id, attempt: 3 }),
    ev.completed({ taskId: id }),
  ];
  // Other tasks' events in between, as on a busy stream.
  for (const e of later) {
    await ctx.publish(e);
    await ctx.publish(ev.queued({ taskId: crypto.randomUUID() }));
  }
  return { id, published: ["TaskSubmitted", ...later.map((e) => e.type)] };
}

describe("GET /tasks/:id/events reads without a consumer, bounded per request", () => {
  it("gives every event in stream order, a page at a time, `truncated` until the last page", async () => {
    const { id, published } = await eventfulTask();
    const pages: Page[] = [];
    let after: number | undefined;
    do {
      const res = await get(`/tasks/${id}/events${after === undefined ? "" : `?afterSeq=${after}`}`);
      expect(res.statusCode).toBe(200);
      pages.push(res.json());
      after = pages.at(-1)?.events.at(-1)?.seq;
    } while (pages.at(-1)?.truncated);
    expect(pages.map((p) => p.events.length)).toEqual([4, 4, 2]);
    expect(pages.map((p) => p.truncated)).toEqual([true, true, false]);
    const events = pages.flatMap((p) => p.events);
    expect(events.map((e) => e.type)).toEqual(published);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(events.every((e) => e.payload.taskId === id)).toBe(true);
  });

  it("reads no more than it returns, plus two direct gets per kind", async () => {
    const { id } = await eventfulTask();
    let gets = 0;
    const counting = {
      ...ctx.jsm,
      direct: {
        getMessage: (...args: Parameters<typeof ctx.jsm.direct.getMessage>) => {
          gets++;
          return ctx.jsm.direct.getMessage(...args);
        },
      },
    } as unknown as typeof ctx.jsm;
    const page = await readTaskHistory(counting, ctx.names, ctx.subjects, id, { maxEvents: 2 });
    expect(page.events).toHaveLength(2);
    expect(page.truncated).toBe(true);
    // one last_by_subj per kind, a first next_by_subj per kind present (6), one more per event read (2)
    expect(gets).toBeLessThanOrEqual(EVENT_TYPES.length + 6 + 2);
  });

  it("leaves the stream's consumer count unchanged over 3,000 history reads, cancels and fallback reads", async () => {
    const tasks = await Promise.all(Array.from({ length: 10 }, () => eventfulTask()));
    const cancelled = await submit();
    expect((await app.inject({ method: "POST", url: `/tasks/${cancelled.id}/cancel` })).statusCode).toBe(202);
    const before = await consumerCount();
    for (let i = 0; i < 3000; i += 10) {
      const batch = tasks.map(({ id }) => get(`/tasks/${id}/events`));
      for (const res of await Promise.all(batch)) expect(res.statusCode).toBe(200);
    }
    for (let i = 0; i < 20; i++) {
      // a no-op cancel (folds the task from the stream) and a read of a task the read model lacks
      expect((await app.inject({ method: "POST", url: `/tasks/${cancelled.id}/cancel` })).statusCode).toBe(200);
      expect((await get(`/tasks/${cancelled.id}`)).json()).toMatchObject({ status: "cancelled" });
    }
    expect(await consumerCount()).toBe(before);
  });

  it("answers 503 busy with Retry-After when the gateway's stream reads are all taken, after waiting briefly", async () => {
    const { id } = await submit();
    const one = { STREAM_READ_CONCURRENCY: 1 };
    const waiting = { ...ctx, config: { ...ctx.config, ...one, STREAM_READ_WAIT_MS: 60_000 }, now: () => new Date() };
    const refusing = { ...ctx, config: { ...ctx.config, ...one, STREAM_READ_WAIT_MS: 0 }, now: () => new Date() };
    const gateways = [await buildApp(waiting), await buildApp(refusing)] as const;
    try {
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slots = [waiting, refusing].map((deps) => streamReads(deps).run(() => held));
      const refused = await gateways[1].inject({ method: "GET", url: `/tasks/${id}/events` });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error).toMatchObject({ code: "busy" });
      expect(refused.headers["retry-after"]).toBe("1");
      const cancel = await gateways[1].inject({ method: "POST", url: `/tasks/${id}/cancel` });
      expect(cancel.statusCode).toBe(503);
      expect(cancel.headers["retry-after"]).toBe("1");

      const queued = gateways[0].inject({ method: "GET", url: `/tasks/${id}/events` });
      await waitFor(() => streamReads(waiting).waiting === 1, { what: "the read waiting for a slot" });
      release();
      await Promise.all(slots);
      expect((await queued).statusCode).toBe(200);
      expect((await gateways[1].inject({ method: "GET", url: `/tasks/${id}/events` })).statusCode).toBe(200);
    } finally {
      for (const g of gateways) await g.close();
    }
  });
});
