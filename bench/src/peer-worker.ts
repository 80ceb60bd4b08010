// One peer's worker process: `node peer-worker.ts <bullmq|pg-boss|graphile-worker> <queue> <latencyMs> <concurrency>`.
// Each job waits the provider latency and returns a ≈1 KB result; completions the system has recorded are
// reported to the parent over IPC in small batches (the time is taken when the completion happened).
import { Worker } from "bullmq";
import { run } from "graphile-worker";
import PgBoss from "pg-boss";
import { BENCH_DATABASE_URL, PG_BOSS_SCHEMA, REDIS } from "./servers.ts";
import { peerResult, sleep, type TaskPayload } from "./workload.ts";

type Job = TaskPayload & { key: string };
const [system, queue, latency, concurrencyArg] = process.argv.slice(2);
const latencyMs = Number(latency);
const concurrency = Number(concurrencyArg);

let pending: [string, number][] = [];
const report = (key: string) => pending.push([key, Date.now()]);
setInterval(() => {
  if (pending.length === 0) return;
  process.send?.({ done: pending });
  pending = [];
}, 20);

async function handle(job: Job) {
  if (latencyMs > 0) await sleep(latencyMs);
  return peerResult(job.prompt);
}

switch (system) {
  case "bullmq": {
    const worker = new Worker<Job>(queue as string, (job) => handle(job.data), {
      connection: REDIS,
      concurrency,
    });
    // Emitted once the job is moved to `completed` in Redis with its result.
    worker.on("completed", (job) => report(job.data.key));
    await worker.waitUntilReady();
    break;
  }
  case "pg-boss": {
    const boss = new PgBoss({ connectionString: BENCH_DATABASE_URL, schema: PG_BOSS_SCHEMA });
    boss.on("error", (err) => console.error(err));
    await boss.start();
    await boss.createQueue(queue as string);
    // pg-boss's concurrency is its batch: a handler gets up to batchSize jobs; 0.5 s is its shortest poll.
    // Completion times are read from pg-boss's own table by the parent, so nothing is reported here.
    await boss.work<Job>(queue as string, { batchSize: concurrency, pollingIntervalSeconds: 0.5 }, (jobs) =>
      Promise.all(jobs.map((j) => handle(j.data))),
    );
    break;
  }
  case "graphile-worker": {
    const runner = await run({
      connectionString: BENCH_DATABASE_URL,
      concurrency,
      maxPoolSize: 40, // Postgres allows 100 connections here; graphile-worker suggests concurrency + 2
      noHandleSignals: true,
      pollInterval: 1000,
      taskList: {
        [queue as string]: async (payload) => {
          await handle(payload as Job);
        },
      },
    });
    runner.events.on("job:complete", ({ job, error }) => {
      if (!error) report((job.payload as Job).key);
    });
    break;
  }
  default:
    throw new Error(`unknown peer ${system}`);
}
process.send?.({ ready: true });
