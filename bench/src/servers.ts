import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, natsServerBinary } from "@taskjet/testkit";
import { pidsOf, type Watched } from "./resources.ts";

/** The local servers the systems under test use. NATS and the AOF Redis are the bench's own (below). */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/taskjet_bench";
const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export type RedisConnection = { host: string; port: number; maxRetriesPerRequest: null };
export const REDIS: RedisConnection = {
  host: redisUrl.hostname,
  port: Number(redisUrl.port || 6379),
  maxRetriesPerRequest: null,
};
export const PG_BOSS_SCHEMA = "bench_pgboss";

/** nats-server's message and byte counters (`/varz`), since it started. */
export type NatsCounters = { inMsgs: number; outMsgs: number; inBytes: number; outBytes: number };
export type Server = { pid: number | null; close(): Promise<void> };
export type BenchNats = Server & { url: string; counters(): Promise<NatsCounters | null> };

/** Spawns a server on a fresh data directory; resolves once it prints `ready`. */
async function spawnServer(bin: string, args: (dir: string) => string[], ready: string) {
  const dir = mkdtempSync(join(tmpdir(), "taskjet-bench-"));
  const child: ChildProcess = spawn(bin, args(dir), { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => chunk.toString().includes(ready) && resolve();
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${bin} exited with ${code}`)));
  });
  return {
    pid: child.pid ?? null,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A nats-server of the bench's own (JetStream on disk, default settings, as the shared one), with monitoring, so
 * `/varz` counts only the bench's messages and the CPU watched is its alone. Without a nats-server binary here,
 * `NATS_URL` (the shared server) and no counts.
 */
export async function startBenchNats(): Promise<BenchNats> {
  const bin = natsServerBinary();
  if (!bin)
    return {
      url: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
      pid: null,
      counters: async () => null,
      close: async () => {},
    };
  const [port, monitor] = [await freePort(), await freePort()];
  const server = await spawnServer(
    bin,
    (dir) => ["-a", "127.0.0.1", "-p", String(port), "-m", String(monitor), "-js", "-sd", dir],
    "Server is ready",
  );
  return {
    ...server,
    url: `nats://127.0.0.1:${port}`,
    async counters() {
      const v = (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as Record<string, number>;
      return { inMsgs: v.in_msgs ?? 0, outMsgs: v.out_msgs ?? 0, inBytes: v.in_bytes ?? 0, outBytes: v.out_bytes ?? 0 };
    },
  };
}

/** What nats-server counted between `a` and `b`. */
export const countedBetween = (a: NatsCounters, b: NatsCounters): NatsCounters => ({
  inMsgs: b.inMsgs - a.inMsgs,
  outMsgs: b.outMsgs - a.outMsgs,
  inBytes: b.inBytes - a.inBytes,
  outBytes: b.outBytes - a.outBytes,
});

/**
 * A redis-server of the bench's own that keeps its data as durably as JetStream does: `appendonly yes`,
 * `appendfsync everysec` (no RDB snapshots), for the `bullmq-aof` row.
 */
export async function startAofRedis(): Promise<Server & { connection: RedisConnection }> {
  const port = await freePort();
  const server = await spawnServer(
    "redis-server",
    (dir) => [
      ...["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--save", ""],
      ...["--appendonly", "yes", "--appendfsync", "everysec"],
    ],
    "Ready to accept connections",
  );
  return { ...server, connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null } };
}

/** The servers' processes, watched in every run: the bench's own nats-server, Postgres, the shared Redis. */
export function serverProcesses(nats: Server, ownRedis: Server[] = []): Watched[] {
  const own = new Set(ownRedis.map((s) => s.pid));
  return [
    { label: "nats-server", pids: nats.pid ? () => [nats.pid as number] : pidsOf("nats-server") },
    { label: "postgres", pids: pidsOf("postgres") },
    { label: "redis-server", pids: () => pidsOf("redis-server")().filter((p) => !own.has(p)) },
    { label: "bench (producer)", pids: () => [process.pid] },
  ];
}
