import { randomBytes } from "node:crypto";
import type { JetStreamManager } from "@nats-io/jetstream";
import { namesFor } from "@taskjet/events";
import { freePort, type SpawnedService, spawnService, waitFor } from "@taskjet/testkit";
import { Pool } from "undici";
import WebSocket from "ws";
import { BENCH_DATABASE_URL } from "../servers.ts";
import { completionTracker, RESULT_CHARS, sleep, taskPayload } from "../workload.ts";
import type { Driver } from "./driver.ts";

const SERVICES = ["projector", "scheduler", "executor", "gateway"] as const;

/**
 * The four services as `npm start` runs them, in a namespace of their own, driven over HTTP and WebSocket;
 * `executors` processes of the executor (default one), `env` on top (e.g. a real provider's URL and limits).
 */
export async function startTaskjet(o: {
  latencyMs: number;
  concurrency: number;
  label: string;
  jsm: JetStreamManager;
  natsUrl: string;
  executors?: number;
  env?: Record<string, string>;
}) {
  const port = await freePort();
  const namespace = `bench_${o.label}_${randomBytes(3).toString("hex")}`;
  const env = {
    TASKJET_NAMESPACE: namespace,
    NATS_URL: o.natsUrl,
    DATABASE_URL: BENCH_DATABASE_URL,
    PORT: String(port),
    HOST: "127.0.0.1",
    LLM_PROVIDER: "fake",
    FAKE_LLM_LATENCY_MS: String(o.latencyMs),
    FAKE_LLM_REPLY_CHARS: String(RESULT_CHARS),
    EXECUTOR_CONCURRENCY: String(o.concurrency),
    WS_MAX_BUFFERED_BYTES: String(512 * 1024 * 1024),
    LOG_LEVEL: "warn",
    ...o.env,
  };
  const services = new Map<string, SpawnedService>();
  for (const name of SERVICES) {
    const copies = name === "executor" ? (o.executors ?? 1) : 1;
    for (let i = 1; i <= copies; i++) {
      const label = copies > 1 ? `${name}-${i}` : name;
      services.set(label, spawnService(name, copies > 1 ? { ...env, EXECUTOR_ID: `${namespace}-${label}` } : env));
    }
  }
  const base = `http://127.0.0.1:${port}`;
  // undici's own client: a fraction of fetch's CPU per request, which shares the machine with the services.
  const http = new Pool(base, { connections: 1024 });
  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const res = await http.request({
      method,
      path,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return {
      status: res.statusCode,
      body: (await res.body.json()) as { id: string; status: string; tasks?: { id: string }[] },
    };
  };
  // Ready when the gateway answers and every consumer has a pull waiting (the projector pulls once migrated).
  const stream = namesFor(namespace).stream;
  const pulling = async () => {
    const consumers = await o.jsm.consumers
      .list(stream)
      .next()
      .catch(() => []);
    return consumers.length >= 8 && consumers.every((c) => c.num_waiting > 0);
  };
  await waitFor(
    async () => {
      for (const [name, s] of services) {
        if (s.child.exitCode !== null) throw new Error(`${name} exited: ${s.lines.slice(-5).join("\n")}`);
      }
      return (await fetch(`${base}/ready`).catch(() => null))?.ok === true && (await pulling());
    },
    { timeoutMs: 30_000, what: "Taskjet ready" },
  );

  // Every status change of the tenant's tasks, pushed after the read model has it.
  const completed = completionTracker();
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.on("message", (data: Buffer) => {
    const m = JSON.parse(data.toString()) as { type: string; task?: { id: string; status: string } };
    if (m.type === "task" && m.task?.status === "completed") completed.record(m.task.id, Date.now());
  });
  ws.send(JSON.stringify({ type: "subscribe", all: true }));

  const failed = (what: string, res: { status: number; body: unknown }) => {
    const said = services.get("gateway")?.lines.slice(-5).join("\n");
    return new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body)}; the gateway said:\n${said}`);
  };

  const driver: Driver & {
    namespace: string;
    env: Record<string, string>;
    baseUrl: string;
    bulkAvailable(): Promise<boolean>;
  } = {
    name: "taskjet",
    namespace,
    env,
    baseUrl: base,
    watched: [...services].map(([name, s]) => ({ label: name, pids: () => (s.child.pid ? [s.child.pid] : []) })),
    async submit(i, extra = {}) {
      const res = await call("POST", "/tasks", { ...taskPayload(i), ...extra });
      if (res.status !== 202) throw failed("POST /tasks", res);
      return res.body.id;
    },
    async submitBatch(from, count) {
      const tasks = Array.from({ length: count }, (_, k) => taskPayload(from + k));
      const res = await call("POST", "/tasks/batch", { tasks });
      const ids = res.status === 202 ? (res.body.tasks ?? []).map((t) => t.id) : [];
      if (ids.length !== count || ids.some((id) => typeof id !== "string")) throw failed("POST /tasks/batch", res);
      return ids;
    },
    /** Whether this build has `POST /tasks/batch`: an empty batch is refused, an unknown route is a 404. */
    async bulkAvailable() {
      return (await call("POST", "/tasks/batch", { tasks: [] })).status !== 404;
    },
    completions: (keys, timeoutMs) => completed.wait(keys, timeoutMs, `${keys.length} tasks completed`),
    async seenByGet(id) {
      for (;;) {
        const res = await call("GET", `/tasks/${id}`);
        const at = Date.now();
        if (res.body.status === "completed") return at;
        await sleep(10);
      }
    },
    async close() {
      ws.close();
      await http.close();
      for (const s of services.values()) s.child.kill("SIGTERM");
      await Promise.all([...services.values()].map((s) => s.exited));
    },
  };
  return driver;
}
