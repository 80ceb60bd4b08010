// One peer's worker process:
//   `node peer-worker.ts <bullmq|bullmq-aof|pg-boss|graphile-worker> <queue> <latencyMs> <concurrency> [<options JSON>]`.
// Each job waits the provider latency (or, with `llmUrl`, calls that Messages API) and returns a ≈1 KB result;
// completions the system has recorded are reported to the parent over IPC in small batches (the time is taken
// when the completion happened).
import { Queue, Worker } from "bullmq";
import { run } from "graphile-worker";
import PgBoss from "pg-boss";
import { BENCH_DATABASE_URL, PG_BOSS_SCHEMA, REDIS } from "./servers.ts";
import type { PeerWorkerOptions } from "./systems/peers.ts";
import { peerResult, sleep, type TaskPayload } from "./workload.ts";

type Job = TaskPayload & { key: string };
const [system, queue, latency, concurrencyArg, optionsArg] = process.argv.slice(2);
const latencyMs = Number(latency);
const concurrency = Number(concurrencyArg);
const options = JSON.parse(optionsArg ?? "{}") as PeerWorkerOptions;

/** The provider said 429: not the job's failure, the whole queue waits `retryAfterMs`. */
class RateLimited extends Error {
  override name = "RateLimited";
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}

let pending: [string, number][] = [];
const report = (key: string) => pending.push([key, Date.now()]);
setInterval(() => {
  if (pending.length === 0) return;
  process.send?.({ done: pending });
  pending = [];
}, 20);

/** One streamed Messages API call, as a worker with no SDK of its own would make it; the reply's text is dropped. */
async function callLlm(url: string, job: Job) {
  const res = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-bench", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({
      model: job.model,
      max_tokens: job.maxTokens,
      stream: true,
      messages: [{ role: "user", content: job.prompt }],
    }),
  });
  const body = await res.text();
  if (res.status === 429) throw new RateLimited(Number(res.headers.get("retry-after") ?? 1) * 1000);
  if (!res.ok) throw new Error(`Messages API answered ${res.status}: ${body.slice(0, 200)}`);
}

async function handle(job: Job) {
  if (options.llmUrl) await callLlm(options.llmUrl, job);
  else if (latencyMs > 0) await sleep(latencyMs);
  return peerResult(job.prompt);
}

switch (system) {
  case "bullmq":
  case "bullmq-aof": {
    const connection = options.redis ?? REDIS;
    const q = new Queue(queue as string, { connection });
    // On a 429, BullMQ's documented manual rate limit: the queue holds for retry-after, the job goes back to wait.
    const processJob = async (data: Job) => {
      try {
        return await handle(data);
      } catch (err) {
        if (!(err instanceof RateLimited)) throw err;
        await q.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
    };
    const worker = new Worker<Job>(queue as string, (job) => processJob(job.data), {
      connection,
      concurrency,
      ...(options.limiter ? { limiter: options.limiter } : {}),
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
