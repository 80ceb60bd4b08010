export { BENCH_DATABASE_URL } from "./taskjet.ts";

const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export const REDIS = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null };
export const PG_BOSS_SCHEMA = "bench_pgboss";
