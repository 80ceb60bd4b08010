import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { waitFor } from "@taskjet/testkit";
import { Queue } from "bullmq";
import { makeWorkerUtils } from "graphile-worker";
import pg from "pg";
import PgBoss from "pg-boss";
import type { Watched } from "../resources.ts";
import { BENCH_DATABASE_URL, PG_BOSS_SCHEMA, REDIS, type RedisConnection } from "../servers.ts";
import { completionTracker, type TaskPayload, taskPayload } from "../workload.ts";
import type { Driver } from "./driver.ts";

/**
 * What a peer's worker does beyond the defaults: `llmUrl` — call this Messages API (the limiting fake) instead
 * of waiting `latencyMs`; `limiter` — BullMQ's own rate limiter on its Worker, `{ max, duration }`; `redis` —
 * BullMQ's Redis (default the shared one, `REDIS_URL`).
 */
export type PeerWorkerOptions = {
  llmUrl?: string;
  limiter?: { max: number; duration: number };
  redis?: RedisConnection;
};

/** `bullmq-aof` is BullMQ on a Redis with an append-only file synced every second (`startAofRedis`). */
export type Peer = "bullmq" | "bullmq-aof" | "pg-boss" | "graphile-worker";

/**
 * A peer as its users run it: this process produces through the peer's client API, one worker process (the
 * peer's own worker, concurrency as asked) consumes. Completion is what the peer has recorded: BullMQ's
 * `completed` event, graphile-worker's `job:complete`, pg-boss's `completed_on` column.
 */
export async function startPeer(
  peer: Peer,
  o: { latencyMs: number; concurrency: number; label: string; worker?: PeerWorkerOptions; watched?: Watched[] },
): Promise<Driver> {
  const queue = `bench-${o.label}-${Date.now().toString(36)}`;
  const completed = completionTracker();
  let worker: ChildProcess | null = null;
  let run = 0;
  /** A bulk submit through the peer's own call (BullMQ's `addBulk`), with the keys as `submitWith`'s. */
  const submitBatchWith =
    (addBulk: (jobs: (TaskPayload & { key: string })[]) => Promise<unknown>) => async (from: number, count: number) => {
      const jobs = Array.from({ length: count }, (_, k) => ({ ...taskPayload(from + k), key: `${run}-${from + k}` }));
      await addBulk(jobs);
      return jobs.map((j) => j.key);
    };
  /** A submit through the peer's own call, with the key its completion will be reported under. */
  const submitWith =
    (add: (job: TaskPayload & { key: string }) => Promise<unknown>) =>
    async (i: number, extra: Record<string, unknown> = {}) => {
      const key = `${run}-${i}`;
      await add({ ...taskPayload(i), ...extra, key });
      return key;
    };
  const base = {
    name: peer,
    watched: [{ label: `${peer} worker`, pids: () => (worker?.pid ? [worker.pid] : []) }, ...(o.watched ?? [])],
    /**
     * The worker runs only while its system is measured: an idle worker polls (graphile-worker's 1,000
     * workers each poll Postgres every second), and that load would land on whichever system runs meanwhile.
     */
    async resume() {
      const w = fork(
        join(import.meta.dirname, "../peer-worker.ts"),
        [peer, queue, String(o.latencyMs), String(o.concurrency), JSON.stringify(o.worker ?? {})],
        {
          stdio: ["ignore", "inherit", "inherit", "ipc"],
          env: { ...process.env, NO_LOG_SUCCESS: "1" }, // graphile-worker logs every job otherwise
        },
      );
      w.on("message", (m: { done?: [string, number][] }) => {
        for (const [key, at] of m.done ?? []) completed.record(key, at);
      });
      await new Promise<void>((resolve, reject) => {
        w.once("exit", (code) => reject(new Error(`${peer} worker exited with ${code}`)));
        w.on("message", (m: { ready?: boolean }) => m.ready && resolve());
      });
      worker = w;
    },
    async pause() {
      const w = worker;
      if (!w) return;
      w.removeAllListeners("exit");
      const exited = new Promise((r) => w.once("exit", r));
      w.kill("SIGKILL");
      await exited;
      worker = null;
    },
    async completions(keys: string[], timeoutMs: number) {
      run++;
      return completed.wait(keys, timeoutMs, `${keys.length} ${peer} jobs completed`);
    },
  };

  switch (peer) {
    case "bullmq":
    case "bullmq-aof": {
      const q = new Queue(queue, { connection: o.worker?.redis ?? REDIS });
      return {
        ...base,
        submit: submitWith((job) => q.add("llm", job)),
        submitBatch: submitBatchWith((jobs) => q.addBulk(jobs.map((data) => ({ name: "llm", data })))),
        async close() {
          await base.pause();
          await q.obliterate({ force: true });
          await q.close();
        },
      };
    }
    case "graphile-worker": {
      const utils = await makeWorkerUtils({ connectionString: BENCH_DATABASE_URL });
      return {
        ...base,
        submit: submitWith((job) => utils.addJob(queue, job)),
        async close() {
          await base.pause();
          await utils.release();
        },
      };
    }
    case "pg-boss": {
      const boss = new PgBoss({ connectionString: BENCH_DATABASE_URL, schema: PG_BOSS_SCHEMA });
      boss.on("error", (err) => console.error(err));
      await boss.start();
      await boss.createQueue(queue);
      const db = new pg.Pool({ connectionString: BENCH_DATABASE_URL, max: 2 });
      let expected = 0;
      return {
        ...base,
        submit: submitWith((job) => boss.send(queue, job)),
        async completions(keys, timeoutMs) {
          const read = async () =>
            (
              await db.query<{ key: string; at: number }>(
                `select data->>'key' as key, extract(epoch from completed_on) * 1000 as at
                   from ${PG_BOSS_SCHEMA}.job where name = $1 and state = 'completed' and data->>'key' = any($2)`,
                [queue, keys],
              )
            ).rows;
          expected += keys.length;
          const count = async () =>
            Number(
              (
                await db.query<{ n: string }>(
                  `select count(*) as n from ${PG_BOSS_SCHEMA}.job where name = $1 and state = 'completed'`,
                  [queue],
                )
              ).rows[0]?.n,
            );
          // Polled every 50 ms: a tighter loop would load the Postgres that pg-boss itself is using.
          await waitFor(async () => (await count()) >= expected, {
            timeoutMs,
            intervalMs: 50,
            what: `${keys.length} pg-boss jobs completed`,
          });
          run++;
          return new Map((await read()).map((r) => [r.key, Number(r.at)]));
        },
        async close() {
          await base.pause();
          await boss.stop({ graceful: false });
          await db.end();
        },
      };
    }
  }
}
