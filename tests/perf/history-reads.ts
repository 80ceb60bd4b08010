import { ev } from "@taskjet/testkit";
// `node tests/perf/history-reads.ts`: what one task-history read costs nats-server, before and after reads
// went consumer-free. Fills a stream of its own namespace with TASKS tasks (four events each, every kind
// published for all tasks before the next, so one task's events span the whole stream: the worst case), then
// reads histories the old way (an ordered consumer per read, left to expire) and the new way (direct gets),
// printing server CPU and wall time per read, and consumer count and nats-server RSS over READS reads
// (ROUNDS=n repeats them; METHODS=new,old picks and orders; NATS_URL + NATS_PID aim at a private server).

import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { encodeEvent, namesFor, subjectsFor, type TaskEvent } from "@taskjet/events";
import {
  connectNats,
  createLogger,
  deleteNamespaceStreams,
  ensureStream,
  lastEvent,
  loadConfig,
  readTaskHistory,
  tasksStreamConfig,
} from "@taskjet/runtime";

const TASKS = Number(process.env.TASKS ?? 200_000);
const READS = Number(process.env.READS ?? 3000);
const OLD_TASK_READS = Number(process.env.OLD_TASK_READS ?? 30);
const config = loadConfig({ LOG_LEVEL: "warn", ...(process.env.NATS_URL ? { NATS_URL: process.env.NATS_URL } : {}) });
const log = createLogger("perf-history", config);
const names = namesFor(`perf_hist_${randomBytes(3).toString("hex")}`);
const subjects = subjectsFor(names);
const { nc, js, jsm } = await connectNats(config, log, "perf-history");
// NATS_URL and NATS_PID point it at a private nats-server, so other clients' work does not blur the figures.
const pid = Number(process.env.NATS_PID ?? execFileSync("pgrep", ["-o", "nats-server"]).toString().trim());
const HZ = 100;

const cpuMs = () => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return ((Number(f[11]) + Number(f[12])) * 1000) / HZ;
};
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024;
const consumers = async () => (await jsm.streams.info(names.stream)).state.consumer_count;

/** The read as it was: an ordered consumer on `tasks.<id>.>` from the creating event, closed but not deleted. */
async function oldReadHistory(js: JetStreamClient, jsm: JetStreamManager, taskId: string) {
  const submitted = await lastEvent(jsm, names, subjects, taskId, "TaskSubmitted");
  if (!submitted) return 0;
  const consumer = await js.consumers.get(names.stream, {
    filter_subjects: subjects.task(taskId),
    opt_start_seq: submitted.seq,
  });
  let n = 0;
  const messages = await consumer.consume({ max_messages: 256 });
  for await (const m of messages) {
    n++;
    if (m.info.pending === 0) break;
  }
  await messages.close();
  return n;
}
const newReadHistory = async (_js: JetStreamClient, jsm: JetStreamManager, taskId: string) =>
  (await readTaskHistory(jsm, names, subjects, taskId)).events.length;

async function fill(ids: string[]) {
  const prompt = "p".repeat(400);
  const kinds: ((taskId: string) => TaskEvent)[] = [
    (taskId) => ev.submitted({ taskId, prompt }),
    (taskId) => ev.queued({ taskId }),
    (taskId) => ev.started({ taskId }),
    (taskId) => ev.completed({ taskId, output: "o".repeat(400) }),
  ];
  for (const kind of kinds) {
    for (let i = 0; i < ids.length; i += 2000) {
      await Promise.all(
        ids.slice(i, i + 2000).map((id) => {
          const e = encodeEvent(subjects, kind(id));
          return js.publish(e.subject, e.data);
        }),
      );
    }
  }
}

async function measure(label: string, read: typeof newReadHistory, ids: string[], oldIds: string[]) {
  let cpu = cpuMs();
  let t = performance.now();
  for (const id of oldIds) if ((await read(js, jsm, id)) !== 4) throw new Error(`${label}: wrong history for ${id}`);
  const oldTask = { cpuMs: (cpuMs() - cpu) / oldIds.length, wallMs: (performance.now() - t) / oldIds.length };
  const before = { consumers: await consumers(), rssMb: rssMb() };
  cpu = cpuMs();
  t = performance.now();
  for (const id of ids) await read(js, jsm, id);
  const recent = { cpuMs: (cpuMs() - cpu) / ids.length, wallMs: (performance.now() - t) / ids.length };
  const after = { consumers: await consumers(), rssMb: rssMb() };
  await new Promise((r) => setTimeout(r, 15_000)); // the server's block caches expire after 5 s idle
  const settledRssMb = rssMb();
  // More rounds of the same reads: memory that is cache warming up levels off, memory held per read grows on.
  const laterRounds: string[] = [];
  for (let round = 1; round < Number(process.env.ROUNDS ?? 1); round++) {
    for (const id of ids) await read(js, jsm, id);
    laterRounds.push(`${rssMb().toFixed(0)} MB, ${await consumers()} consumers`);
  }
  console.log(
    JSON.stringify({
      label,
      oldTaskRead: { serverCpuMs: +oldTask.cpuMs.toFixed(2), wallMs: +oldTask.wallMs.toFixed(2) },
      [`${ids.length}Reads`]: {
        serverCpuMsPerRead: +recent.cpuMs.toFixed(3),
        wallMsPerRead: +recent.wallMs.toFixed(3),
        consumers: `${before.consumers} -> ${after.consumers}`,
        natsRssMb: `${before.rssMb.toFixed(0)} -> ${after.rssMb.toFixed(0)} (15 s later ${settledRssMb.toFixed(0)})`,
        ...(laterRounds.length > 0 ? { afterEachFurtherRound: laterRounds } : {}),
      },
    }),
  );
}

try {
  await ensureStream(jsm, tasksStreamConfig(names, config), log);
  const ids = Array.from({ length: TASKS }, () => randomUUID());
  const t0 = performance.now();
  await fill(ids);
  const info = await jsm.streams.info(names.stream);
  console.log(
    JSON.stringify({
      stream: names.stream,
      tasks: TASKS,
      messages: info.state.messages,
      mb: Math.round(info.state.bytes / 1e6),
      fillSeconds: Math.round((performance.now() - t0) / 1000),
    }),
  );
  const oldest = ids.slice(0, OLD_TASK_READS);
  const sample = (n: number) =>
    Array.from({ length: n }, (_, i) => ids[ids.length - 1 - ((i * 7919) % (ids.length / 2))] as string);
  // METHODS=new,old (the default order old,new): which reads to measure, in that order.
  for (const which of (process.env.METHODS ?? "old,new").split(",")) {
    if (which === "old") await measure("ordered consumer (before)", oldReadHistory, sample(READS), oldest);
    else await measure("direct gets (after)", newReadHistory, sample(READS), oldest);
  }
} finally {
  await deleteNamespaceStreams(jsm, names);
  await nc.close();
}
