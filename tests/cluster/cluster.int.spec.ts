import { randomBytes } from "node:crypto";
import { foldEvents, isTerminal } from "@taskjet/events";
import {
  createTestContext,
  freePort,
  natsServerBinary,
  type PrivateNatsCluster,
  spawnedServices,
  startPrivateNatsCluster,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { byTask, chaosClient, httpStats, readWholeStream } from "@taskjet/tools/chaos";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Three nats-server processes in one JetStream cluster, streams and KV buckets at R3, the services pointed at
// all three; the stream's leader is killed (SIGKILL) while tasks are being submitted. Every accepted task must
// still reach a terminal state in the stream, once, under one task per Idempotency-Key.
const bin = natsServerBinary();
const TASKS = 300;
let cluster: PrivateNatsCluster;
let ctx: TestContext;
const services = spawnedServices();

beforeAll(async () => {
  if (!bin) return;
  cluster = await startPrivateNatsCluster(bin, 3);
  ctx = await createTestContext("cluster", { NATS_URL: cluster.url, STREAM_REPLICAS: "3" });
}, 60_000);
afterAll(async () => {
  await services.killAll();
  await ctx?.cleanup().catch(() => undefined);
  await cluster?.close();
});

describe.skipIf(!bin)("a 3-node NATS cluster", () => {
  it(`loses nothing when the stream leader is killed under load (${TASKS} tasks)`, async () => {
    const port = await freePort();
    const env = {
      ...ctx.env,
      STREAM_REPLICAS: "3",
      HOST: "127.0.0.1",
      PORT: String(port),
      LLM_PROVIDER: "fake",
      FAKE_LLM_LATENCY_MS: "20",
      ACK_WAIT_SECONDS: "5",
    };
    // All four running before the load (and the kill): the test is about a leader lost under load, not at start.
    const names = ["projector", "scheduler", "executor", "gateway"] as const;
    await Promise.all(names.map((name) => services.spawn(name, env).ready));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/ready`).catch(() => null))?.status === 200, {
      timeoutMs: 30_000,
      what: "the gateway ready",
    });
    const stream = await ctx.jsm.streams.info(ctx.names.stream);
    expect(stream.config.num_replicas).toBe(3);
    const leader = cluster.nodes.find((n) => n.name === stream.cluster?.leader);
    expect(leader, `a leader among ${cluster.nodes.map((n) => n.name)}`).toBeDefined();

    const run = randomBytes(3).toString("hex");
    const client = chaosClient(base, httpStats());
    const accepted = new Map<string, string>(); // key → task id
    let next = 0;
    let killed: Promise<void> | null = null;
    const lane = async () => {
      while (next < TASKS) {
        const i = next++;
        if (i === TASKS / 3) killed = leader?.kill() ?? null;
        const key = `${run}-${i}`;
        const body = i % 5 === 4 ? { prompt: `cluster ${i}`, delaySeconds: 1 } : { prompt: `cluster ${i}` };
        const a = await client.send("POST", "/tasks", {
          body,
          headers: { "idempotency-key": key },
          deadline: Date.now() + 30_000,
        });
        if (a?.status === 202) accepted.set(key, (a.body as { id: string }).id);
      }
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    await killed;
    expect(leader?.running()).toBe(false);
    expect(accepted.size).toBe(TASKS);

    const ids = [...accepted.values()];
    const settled = async () => {
      const { events } = await readWholeStream(ctx.jsm, ctx.names);
      const history = byTask(events);
      const open = ids.filter((id) => {
        const s = foldEvents((history.get(id) ?? []).map((e) => e.event));
        return !s || !isTerminal(s.status);
      });
      return open.length === 0 ? history : undefined;
    };
    const history = await waitFor(settled, { timeoutMs: 45_000, intervalMs: 500, what: "every task terminal" });
    const completedTwice = ids.filter(
      (id) => (history.get(id) ?? []).filter((e) => e.event.type === "TaskCompleted").length > 1,
    );
    expect(completedTwice).toEqual([]);
    // One task per key: nothing the retries sent made a second one.
    expect(history.size).toBe(TASKS);
    expect(new Set(ids).size).toBe(TASKS);
  }, 120_000);
});
