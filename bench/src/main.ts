// `npm run bench` (add `--quick` for a ~2-minute smoke run, `--help` for the options): Taskjet beside BullMQ,
// pg-boss and graphile-worker, the same workloads in one run, interleaved; results to bench/results/<date>.json
// and docs/benchmarks.md.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { namesFor } from "@taskjet/events";
import { connectNats, createLogger, deleteNamespaceStreams, loadConfig } from "@taskjet/runtime";
import { percentile, readAllEvents } from "@taskjet/testkit";
import pg from "pg";
import { BULLMQ_LIMITER, LIMITS, rateLimitedRun, startLimitedFake, taskjetLaneEnv } from "./rate-limited.ts";
import { writeReport } from "./report.ts";
import { type Usage, watchResources } from "./resources.ts";
import { bulk, burst, steady } from "./runs.ts";
import {
  BENCH_DATABASE_URL,
  type BenchNats,
  countedBetween,
  type NatsCounters,
  serverProcesses,
  startAofRedis,
  startBenchNats,
} from "./servers.ts";
import { machine, versions } from "./setting.ts";
import type { Driver } from "./systems/driver.ts";
import { type Peer, startPeer } from "./systems/peers.ts";
import { startTaskjet } from "./systems/taskjet.ts";
import { inPool, sleep } from "./workload.ts";

const WORKLOADS = ["burst-noop", "burst-200", "paced", "scale", "rate-limited", "bulk"] as const;
type Workload = (typeof WORKLOADS)[number];
const USAGE = `npm run bench [-- options]

  --quick          a smoke run (one repetition, small counts); docs/benchmarks.md is left alone
  --only <list>    only these workloads, comma-separated: ${WORKLOADS.join(", ")}
                   (burst-noop includes the rebuild, paced the timers); docs/benchmarks.md is left alone
  --peers <list>   only these peers beside Taskjet, comma-separated: bullmq, bullmq-aof, pg-boss, graphile-worker
                   (default all); docs/benchmarks.md is left alone
  -h, --help       this text

Systems: taskjet; bullmq (the shared Redis, REDIS_URL, which keeps nothing on disk); bullmq-aof (BullMQ on a
Redis of the bench's own with appendonly yes, appendfsync everysec: durable beside durable); pg-boss;
graphile-worker. Taskjet runs on a nats-server of the bench's own, with monitoring: every run records the
messages and bytes into and out of it (/varz), reported per task beside each process's CPU per task.

bulk: 20,000 tasks from one client in requests of 1,000, one request at a time (Taskjet:
POST /tasks/batch; BullMQ: Queue.addBulk); tasks accepted per second of submitting, and the time until all
are completed. A build without POST /tasks/batch runs the peers alone and says so in the results.

rate-limited: Taskjet (3 executors, one shared budget per model lane) and BullMQ (its limiter {max, duration})
against the fake Messages API enforcing 120 requests and 12,000 input tokens per 6 s window; reports tasks/s,
utilization of the limits, 429s and latency.`;

const args = parseArgs({
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    peers: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
}).values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const only = args.only?.split(",").map((w) => w.trim()) ?? null;
const unknown = only?.filter((w) => !(WORKLOADS as readonly string[]).includes(w)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(", ")}\n\n${USAGE}`);
  process.exit(2);
}
const wanted = (w: Workload) => only === null || only.includes(w);

const root = join(import.meta.dirname, "../..");
const quick = args.quick === true || process.env.npm_config_quick === "true";
const plan = quick
  ? {
      reps: 1,
      burstN: 2000,
      pacedSeconds: 3,
      scaleN: 2000,
      scaleConcurrency: 2000,
      timersN: 1000,
      timersAhead: [2, 4],
      limitedN: 240,
      bulkN: 4000,
      bulkBatch: 1000,
    }
  : {
      reps: 3,
      burstN: 20_000,
      pacedSeconds: 10,
      scaleN: 20_000,
      scaleConcurrency: 10_000,
      timersN: 10_000,
      timersAhead: [5, 10],
      limitedN: 600,
      bulkN: 20_000,
      bulkBatch: 1000,
    };
const IN_FLIGHT = 1000;
const CONCURRENCY = 1000;
const TIMEOUT_MS = 10 * 60_000;
const ALL_PEERS: Peer[] = ["bullmq", "bullmq-aof", "pg-boss", "graphile-worker"];
const PEERS = args.peers === undefined ? ALL_PEERS : ALL_PEERS.filter((p) => args.peers?.split(",").includes(p));

const log = createLogger("bench", loadConfig({ LOG_LEVEL: "info" }));

/** One run: its figures, each process's CPU and memory, and (own server) what nats-server carried meanwhile. */
export type Run<F> = { figures: F; tasks: number; usage: Record<string, Usage>; nats?: NatsCounters };
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  quick,
  only,
  plan,
  machine: machine(),
  versions: versions(),
};

// The bench's own servers, started in main(): Taskjet's nats-server, and the Redis of `bullmq-aof`.
let servers: { nats: BenchNats; aofRedis: Awaited<ReturnType<typeof startAofRedis>> };

/** Runs `what` (`tasks` tasks) on `d` while watching the servers' and the system's processes and nats-server. */
async function measured<F>(d: Driver, tasks: number, what: () => Promise<F>): Promise<Run<F>> {
  const watch = watchResources([...serverProcesses(servers.nats, [servers.aofRedis]), ...d.watched]);
  const before = await servers.nats.counters();
  const figures = await what();
  const usage = watch.stop();
  const after = await servers.nats.counters();
  return { figures, tasks, usage, ...(before && after ? { nats: countedBetween(before, after) } : {}) };
}

/**
 * Each repetition runs every system once, in turn, so drift on the machine touches them all alike; `before`
 * runs unmeasured ahead of each run.
 */
async function interleaved<F>(
  drivers: Driver[],
  tasks: number,
  run: (d: Driver) => Promise<F>,
  before?: () => Promise<void>,
) {
  const out: Record<string, Run<F>[]> = Object.fromEntries(drivers.map((d) => [d.name, []]));
  for (let rep = 1; rep <= plan.reps; rep++) {
    for (const d of drivers) {
      await before?.();
      await d.resume?.();
      const r = await measured(d, tasks, () => run(d));
      await d.pause?.();
      out[d.name]?.push(r);
      log.info({ rep, system: d.name, figures: r.figures as object }, "run");
    }
  }
  return out;
}

/** A peer as every workload but rate-limited runs it; `bullmq-aof` on the bench's own AOF Redis. */
const peer = (p: Peer, o: { latencyMs: number; label: string }) =>
  startPeer(p, {
    ...o,
    concurrency: CONCURRENCY,
    ...(p === "bullmq-aof"
      ? {
          worker: { redis: servers.aofRedis.connection },
          watched: [{ label: "redis-server (AOF)", pids: () => (servers.aofRedis.pid ? [servers.aofRedis.pid] : []) }],
        }
      : {}),
  });

async function startAll(label: string, latencyMs: number, jsm: Parameters<typeof startTaskjet>[0]["jsm"]) {
  const taskjet = await startTaskjet({ latencyMs, concurrency: CONCURRENCY, label, jsm, natsUrl: servers.nats.url });
  const peers = [];
  for (const p of PEERS) peers.push(await peer(p, { latencyMs, label }));
  return { taskjet, all: [taskjet, ...peers] };
}

async function resetDatabase() {
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  const name = new URL(BENCH_DATABASE_URL).pathname.slice(1);
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
}

/** `npm run rebuild` against a namespace, as an operator runs it; its last log line has the figures. */
function rebuild(env: Record<string, string>) {
  return new Promise<{ events: number; seconds: number; eventsPerSecond: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "services/projector/src/rebuild-main.ts")], {
      env: { ...process.env, ...env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.on("exit", (code) => {
      const line = out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { eventsPerSecond?: number; events?: number; seconds?: number })
        .find((l) => l.eventsPerSecond !== undefined);
      if (code !== 0 || !line) reject(new Error(`rebuild exited with ${code}: ${out.slice(-500)}`));
      else
        resolve({ events: line.events ?? 0, seconds: line.seconds ?? 0, eventsPerSecond: line.eventsPerSecond ?? 0 });
    });
  });
}

async function main() {
  await resetDatabase();
  servers = { nats: await startBenchNats(), aofRedis: await startAofRedis() };
  results.natsServer = servers.nats.pid === null ? `shared (${servers.nats.url})` : "own, with monitoring";
  const { nc, js, jsm } = await connectNats({ NATS_URL: servers.nats.url }, log, "bench");
  // What an interrupted run left behind (a finished run deletes its own): every bench namespace is ours.
  const leftovers: string[] = [];
  for await (const stream of jsm.streams.names()) if (/^(BENCH_|KV_bench_)/.test(stream)) leftovers.push(stream);
  for (const stream of leftovers) await jsm.streams.delete(stream);
  const namespaces: string[] = [];
  const workloads: Record<string, unknown> = {};
  results.workloads = workloads;

  try {
    if (wanted("burst-noop")) {
      // Burst, no-op provider; then the read model is rebuilt from what it left on the stream.
      const systems = await startAll("noop", 0, jsm);
      namespaces.push(systems.taskjet.namespace);
      workloads.burstNoop = await interleaved(systems.all, plan.burstN, (d) =>
        burst(d, plan.burstN, IN_FLIGHT, TIMEOUT_MS),
      );
      const rebuilds = [];
      for (let rep = 1; rep <= plan.reps; rep++) {
        const r = await rebuild(systems.taskjet.env);
        log.info({ rep, ...r }, "rebuild");
        rebuilds.push(r);
      }
      workloads.rebuild = rebuilds;
      for (const d of systems.all) await d.close();
    }

    if (wanted("burst-200")) {
      const systems = await startAll("slow", 200, jsm);
      namespaces.push(systems.taskjet.namespace);
      workloads.burst200 = await interleaved(systems.all, plan.burstN, (d) =>
        burst(d, plan.burstN, IN_FLIGHT, TIMEOUT_MS),
      );
      for (const d of systems.all) await d.close();
    }

    if (wanted("paced")) {
      const systems = await startAll("paced", 0, jsm);
      namespaces.push(systems.taskjet.namespace);
      workloads.paced = await interleaved(systems.all, 200 * plan.pacedSeconds, (d) =>
        steady(d, 200, plan.pacedSeconds, TIMEOUT_MS),
      );

      // Timers: Taskjet's scheduler, on the paced system (no-op provider).
      const t = systems.taskjet;
      const names = namesFor(t.namespace);
      workloads.timers = await interleaved([t], plan.timersN, async () => {
        const due = new Map<string, number>();
        const [lo, hi] = plan.timersAhead as [number, number];
        await inPool(plan.timersN, IN_FLIGHT, async (i) => {
          // Whole milliseconds, as the ISO string the task is given: a fraction would count a timer that fired on
          // its millisecond as up to 1 ms early.
          const runAt = Math.floor(Date.now() + (lo + Math.random() * (hi - lo)) * 1000);
          due.set(await t.submit(i, { runAt: new Date(runAt).toISOString() }), runAt);
        });
        await t.completions([...due.keys()], TIMEOUT_MS);
        const queued = (await readAllEvents(js, names, `${names.subjectRoot}.*.queued`)).filter((e) =>
          due.has(e.taskId),
        );
        const late = queued.map((e) => Date.parse(e.at) - (due.get(e.taskId) as number));
        return {
          timers: queued.length,
          early: late.filter((x) => x < 0).length,
          p50: percentile(late, 0.5),
          p99: percentile(late, 0.99),
          max: Math.max(...late),
        };
      });
      for (const d of systems.all) await d.close();
    }

    if (wanted("scale")) {
      // Scale: one executor, thousands of slow calls in flight.
      const scale = await startTaskjet({
        latencyMs: 2000,
        concurrency: plan.scaleConcurrency,
        label: "scale",
        jsm,
        natsUrl: servers.nats.url,
      });
      namespaces.push(scale.namespace);
      workloads.scale = await interleaved([scale], plan.scaleN, (d) => burst(d, plan.scaleN, IN_FLIGHT, TIMEOUT_MS));
      await scale.close();
    }

    if (wanted("rate-limited")) {
      // A provider that enforces its limits: Taskjet's shared lane budget beside BullMQ's own limiter.
      const fakes = { taskjet: await startLimitedFake(), bullmq: await startLimitedFake() };
      const taskjet = await startTaskjet({
        latencyMs: 0,
        concurrency: 34,
        label: "limited",
        jsm,
        natsUrl: servers.nats.url,
        executors: 3,
        env: taskjetLaneEnv(fakes.taskjet.url),
      });
      namespaces.push(taskjet.namespace);
      const bullmq = await startPeer("bullmq", {
        latencyMs: 0,
        concurrency: 100,
        label: "limited",
        worker: { llmUrl: fakes.bullmq.url, limiter: BULLMQ_LIMITER },
      });
      try {
        workloads.rateLimited = await interleaved(
          [taskjet, bullmq],
          plan.limitedN,
          (d) => rateLimitedRun(d, d === taskjet ? fakes.taskjet : fakes.bullmq, plan.limitedN, TIMEOUT_MS),
          // Every run starts from full buckets, the provider's and Taskjet's own: one window of nothing.
          () => sleep(LIMITS.windowSeconds * 1000),
        );
      } finally {
        await taskjet.close();
        await bullmq.close();
        await fakes.taskjet.close();
        await fakes.bullmq.close();
      }
    }

    if (wanted("bulk")) {
      // Bulk submit: Taskjet's POST /tasks/batch (when this build has it) beside BullMQ's addBulk.
      const taskjet = await startTaskjet({
        latencyMs: 0,
        concurrency: CONCURRENCY,
        label: "bulk",
        jsm,
        natsUrl: servers.nats.url,
      });
      namespaces.push(taskjet.namespace);
      const peers = [
        await peer("bullmq", { latencyMs: 0, label: "bulk" }),
        await peer("bullmq-aof", { latencyMs: 0, label: "bulk" }),
      ];
      const available = await taskjet.bulkAvailable();
      if (!available) {
        log.warn("bulk submit: not available in this build (no POST /tasks/batch); the peers run alone");
        workloads.bulkSkipped = { taskjet: "bulk submit: not available in this build" };
      }
      try {
        workloads.bulk = await interleaved(available ? [taskjet, ...peers] : peers, plan.bulkN, (d) =>
          bulk(d, plan.bulkN, plan.bulkBatch, TIMEOUT_MS),
        );
      } finally {
        for (const d of [taskjet, ...peers]) await d.close();
      }
    }
  } finally {
    for (const ns of namespaces) await deleteNamespaceStreams(jsm, namesFor(ns));
    await nc.close();
    await servers.nats.close();
    await servers.aofRedis.close();
  }

  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(root, "bench/results"), { recursive: true });
  // A quick run's file ends in -quick (.gitignore keeps those out), a partial run's names its workloads.
  const suffix = `${only ? `-${only.join("-")}` : ""}${args.peers ? `-peers-${PEERS.join("-")}` : ""}${quick ? "-quick" : ""}`;
  const file = join(root, `bench/results/${date}${suffix}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log.info({ file }, "results written");
  if (!quick && !only && !args.peers) writeReport(results, join(root, "docs"));
  else log.info("quick or partial run: docs/benchmarks.md is written by the full run only");
}

await main();
process.exit(0);
