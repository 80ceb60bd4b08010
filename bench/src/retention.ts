// `npm run bench:retention`: what nats-server holds for finished tasks, and what FINISHED_HISTORY_SECONDS gives
// back. Its own nats-server; 100,000 tasks' four events each (submitted, queued, started, completed) on the
// namespace's stream; the server's resident memory before, with them stored, after the projector's purge of
// each task's subjects. Results in docs/benchmarks.md.
import { readFileSync } from "node:fs";
import { namesFor, subjectsFor } from "@taskjet/events";
import {
  connectNats,
  createLogger,
  deleteTaskHistory,
  ensureStream,
  loadConfig,
  publishEvents,
  tasksStreamConfig,
} from "@taskjet/runtime";
import { ev } from "@taskjet/testkit";
import { startBenchNats } from "./servers.ts";

const N = Number(process.env.RETENTION_TASKS ?? 100_000);
const IN_FLIGHT = 16;
const config = loadConfig({ LOG_LEVEL: "warn" });
const log = createLogger("bench-retention", config);
const nats = await startBenchNats();
if (nats.pid === null) throw new Error("bench:retention needs a nats-server binary of its own (natsServerBinary)");
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${nats.pid}/status`, "utf8"))?.[1]) / 1024;
const { nc, js, jsm } = await connectNats({ NATS_URL: nats.url }, log, "bench-retention");
const names = namesFor("bench_retention");
const subjects = subjectsFor(names);
await ensureStream(jsm, tasksStreamConfig(names, config), log);

async function inPool(n: number, each: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < n; i = next++) await each(i);
    }),
  );
}
const settle = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 1000));
};

const ids = Array.from({ length: N }, () => crypto.randomUUID());
const empty = rssMb();
let t = performance.now();
await inPool(N, (i) => {
  const taskId = ids[i] as string;
  const events = [ev.submitted({ taskId }), ev.queued({ taskId }), ev.started({ taskId }), ev.completed({ taskId })];
  return publishEvents(js, subjects, events);
});
const publishSeconds = (performance.now() - t) / 1000;
await settle();
const stored = rssMb();
const info = await jsm.streams.info(names.stream);
t = performance.now();
await inPool(N, (i) => deleteTaskHistory(jsm, names, subjects, ids[i] as string, Number.MAX_SAFE_INTEGER));
const purgeSeconds = (performance.now() - t) / 1000;
await settle();
const purged = rssMb();
await nc.close();
await nats.close();

const mb = (x: number) => `${Math.round(x)} MB`;
console.log(`| tasks | events | subjects | nats-server RSS: empty | stored | after the purge | purges/s |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
console.log(
  `| ${N.toLocaleString("en")} | ${info.state.messages.toLocaleString("en")} | ${(info.state.num_subjects ?? 0).toLocaleString("en")} | ` +
    `${mb(empty)} | ${mb(stored)} (+${Math.round(((stored - empty) * 1024 * 1024) / N)} B a task) | ${mb(purged)} | ` +
    `${Math.round(N / purgeSeconds).toLocaleString("en")} |`,
);
console.log(`published in ${publishSeconds.toFixed(1)} s, purged in ${purgeSeconds.toFixed(1)} s`);
