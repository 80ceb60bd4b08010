import { randomUUID } from "node:crypto";
import { migrate } from "@taskjet/read-model";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildApp } from "../app.ts";
import { SNAPSHOT_CHUNK } from "./snapshot.ts";

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext("wsclose");
  await migrate(ctx.db, ctx.names, ctx.log);
});
afterAll(async () => {
  await ctx.cleanup();
});

/** A gateway on a port, its queries of the `tasks` table counted. */
async function countedGateway(config: Partial<TestContext["config"]> = {}) {
  const counter = { tasksQueries: 0 };
  const counting: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind === "SelectQueryNode" && JSON.stringify(args.node.from).includes('"tasks"')) {
        counter.tasksQueries++;
      }
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const deps = { ...ctx, config: { ...ctx.config, ...config }, db: ctx.db.withPlugin(counting), now: () => new Date() };
  const app = await buildApp(deps);
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, counter, wsUrl: `${url.replace(/^http/, "ws")}/ws` };
}

async function connect(url: string) {
  const socket = new WebSocket(url);
  const messages: { type: string; error?: { code: string }; taskIds?: string[] }[] = [];
  socket.on("message", (data: Buffer) => messages.push(JSON.parse(data.toString())));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, messages, closed, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());

describe("WebSocket work is bounded and stops with its socket", () => {
  it("stops reading snapshots when a client that subscribed to 100 × 1,000 ids closes at once", async () => {
    const { app, counter, wsUrl } = await countedGateway();
    try {
      const gone = await connect(wsUrl);
      for (let i = 0; i < 100; i++) gone.send({ type: "subscribe", taskIds: ids(1000) });
      gone.socket.close();
      await gone.closed;
      await waitFor(() => app.websocketServer.clients.size === 0, { what: "the gateway saw the close" });
      const atClose = counter.tasksQueries;
      // Another client's snapshot of 1,000 unknown ids runs on the same gateway (2,000 stream lookups):
      // while it does, the closed client's queue of 99,000+ ids must cost nothing.
      const other = await connect(wsUrl);
      other.send({ type: "subscribe", taskIds: ids(1000) });
      await waitFor(() => other.messages.filter((m) => m.error?.code === "not_found").length === 1000, {
        what: "the other client's snapshot",
      });
      expect(counter.tasksQueries - atClose).toBe(1000 / SNAPSHOT_CHUNK);
      other.socket.close();
    } finally {
      // Closing the app waits for each connection's queued work to end: what ran by then is all that ran.
      await app.close();
    }
    // The chunks of the subscribe message being read when the close came (and at most the next one's, 2 +
    // 2) and the other client's 2: not one query per id requested, nor one per message queued.
    expect(counter.tasksQueries).toBeLessThanOrEqual((3 * 1000) / SNAPSHOT_CHUNK);
  });

  it("reads a subscription's snapshot in chunks, not one query per id", async () => {
    const { app, counter, wsUrl } = await countedGateway();
    try {
      const client = await connect(wsUrl);
      const wanted = ids(1000);
      client.send({ type: "subscribe", taskIds: wanted });
      await waitFor(() => client.messages.filter((m) => m.error?.code === "not_found").length === wanted.length, {
        what: "a not_found for each unknown id",
      });
      expect(counter.tasksQueries).toBe(wanted.length / SNAPSHOT_CHUNK);
      client.socket.close();
    } finally {
      await app.close();
    }
  });

  it("refuses a subscription past the per-connection limit of task ids, and says so", async () => {
    const { app, wsUrl } = await countedGateway({ WS_MAX_TASK_IDS: 3 });
    try {
      const submit = async () =>
        (await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "x" } })).json<{ id: string }>().id;
      const [a, b, c, d] = [await submit(), await submit(), await submit(), await submit()];
      const client = await connect(wsUrl);
      const replies = () => client.messages.filter((m) => m.type === "subscribed" || m.type === "error");
      client.send({ type: "subscribe", taskIds: [a, b] });
      client.send({ type: "subscribe", taskIds: [b, c] }); // b is followed already: 3 ids
      client.send({ type: "subscribe", taskIds: [d] });
      client.send({ type: "unsubscribe", taskIds: [a] });
      client.send({ type: "subscribe", taskIds: [d] });
      await waitFor(() => replies().length === 4, { what: "four replies" });
      expect(replies().map((m) => m.error?.code ?? m.taskIds)).toEqual([[a, b], [b, c], "too_many_task_ids", [d]]);
      client.socket.close();
    } finally {
      await app.close();
    }
  });
});
