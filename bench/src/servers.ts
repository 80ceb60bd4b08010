import { pidsOf, type Watched } from "./resources.ts";

/** The local servers every system under test uses, and their processes, watched in every run. */
export const NATS_URL = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/taskjet_bench";
const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export const REDIS = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null };
export const PG_BOSS_SCHEMA = "bench_pgboss";

export const serverProcesses: Watched[] = [
  { label: "nats-server", pids: pidsOf("nats-server") },
  { label: "postgres", pids: pidsOf("postgres") },
  { label: "redis-server", pids: pidsOf("redis-server") },
  { label: "bench (producer)", pids: () => [process.pid] },
];
