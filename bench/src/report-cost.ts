import { type BySystem, fmt, of, type Run, table } from "./markdown.ts";
import type { BulkFigures } from "./runs.ts";
import { median, round, spread } from "./stats.ts";

const perTask = <F>(runs: Run<F>[], tasks: number, pick: (r: Run<F>) => number | undefined) => {
  const xs = runs.flatMap((r) => {
    const x = pick(r);
    return x === undefined ? [] : [x / (r.tasks ?? tasks)];
  });
  return xs.length === runs.length && xs.length > 0 ? spread(xs) : null;
};

const kb = <F>(runs: Run<F>[], tasks: number, counter: "inBytes" | "outBytes") => {
  const s = perTask(runs, tasks, (r) => (r.nats ? r.nats[counter] / 1024 : undefined));
  return s ? fmt(s, 1) : "—";
};

/**
 * What a task costs, per workload and system: the messages and bytes through the bench's nats-server (`/varz`,
 * from the run's first submit to its last completion) beside the CPU every watched process spent, all ÷ the
 * run's tasks. `tasks` is the plan's count, for results that predate `Run.tasks`.
 */
export function costTable(workloads: [string, BySystem<unknown>, number][]) {
  const rows: (string | number)[][] = [];
  const dash = (s: ReturnType<typeof perTask>, digits: number) => (s ? fmt(s, digits) : "—");
  for (const [workload, w, tasks] of workloads) {
    for (const [system, runs] of Object.entries(w)) {
      const labels = Object.keys(runs[0]?.usage ?? {});
      const cpuMs = (r: Run<unknown>, label: string) => (r.usage[label]?.cpuSeconds ?? 0) * 1000;
      const byProcess = labels
        .map((label) => [label, median(runs.map((r) => cpuMs(r, label) / (r.tasks ?? tasks)))] as const)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([label, ms]) => `${label} ${round(ms, 2)}`);
      const total = perTask(runs, tasks, (r) => labels.reduce((sum, label) => sum + cpuMs(r, label), 0));
      rows.push([
        workload,
        system,
        dash(
          perTask(runs, tasks, (r) => r.nats?.inMsgs),
          1,
        ),
        dash(
          perTask(runs, tasks, (r) => r.nats?.outMsgs),
          1,
        ),
        runs.every((r) => r.nats) ? `${kb(runs, tasks, "inBytes")} / ${kb(runs, tasks, "outBytes")}` : "—",
        dash(total, 2),
        byProcess.join("; ") || "—",
      ]);
    }
  }
  return table(
    [
      "workload",
      "system",
      "NATS messages in / task",
      "NATS messages out / task",
      "NATS KB in / out per task",
      "CPU per task, all processes (ms)",
      "CPU per task by process (ms, median)",
    ],
    rows,
  );
}

/** The bulk workload's section: accepted tasks/s from one client, and the time until all are completed. */
export function bulkSection(w: BySystem<BulkFigures> | undefined, skipped: Record<string, string>, n = 0, batch = 0) {
  if (!w) return "";
  const lines = Object.entries(skipped).map(([system, why]) => `- ${system}: ${why}.`);
  return `## Bulk submit

${n.toLocaleString("en")} tasks from one client in requests of ${batch.toLocaleString("en")}, one request at a time
(Taskjet: \`POST /tasks/batch\`, whose 202 means stored in JetStream; BullMQ: \`Queue.addBulk\`, whose answer means in Redis),
with the worker running (no-op provider). Accepted: tasks ÷ the time from the first request sent to the last
answer; completed: from the first request to the last task completed.

${table(
  [
    "system",
    "accepted tasks/s",
    "request p50 (ms)",
    "request p99 (ms)",
    "first request → all completed (s)",
    "completed tasks/s",
  ],
  Object.entries(w).map(([name, runs]) => [
    name,
    fmt(of(runs, (f) => f.acceptedPerSecond)),
    fmt(
      of(runs, (f) => f.requestP50),
      1,
    ),
    fmt(
      of(runs, (f) => f.requestP99),
      1,
    ),
    fmt(
      of(runs, (f) => f.completedSeconds),
      2,
    ),
    fmt(of(runs, (f) => f.completedPerSecond)),
  ]),
)}
${lines.length > 0 ? `\n${lines.join("\n")}\n` : ""}
`;
}
