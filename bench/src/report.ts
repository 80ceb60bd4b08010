import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BySystem, fmt, of, table } from "./markdown.ts";
import { LIMITS, type RateLimitedFigures } from "./rate-limited.ts";
import { bulkSection, costTable } from "./report-cost.ts";
import type { BulkFigures, BurstFigures, PacedFigures } from "./runs.ts";
import { median, round, spread } from "./stats.ts";

type Results = {
  date: string;
  plan: {
    reps: number;
    burstN: number;
    pacedSeconds: number;
    scaleN: number;
    scaleConcurrency: number;
    timersN: number;
    bulkN?: number;
    bulkBatch?: number;
  };
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  workloads: {
    burstNoop: BySystem<BurstFigures>;
    burst200: BySystem<BurstFigures>;
    paced: BySystem<PacedFigures>;
    timers: BySystem<{ timers: number; early: number; p50: number; p99: number; max: number }>;
    scale: BySystem<BurstFigures>;
    rebuild: { events: number; seconds: number; eventsPerSecond: number }[];
    rateLimited?: BySystem<RateLimitedFigures>;
    bulk?: BySystem<BulkFigures>;
    bulkSkipped?: Record<string, string>;
  };
};

function burstTable(w: BySystem<BurstFigures>, ceiling?: number) {
  const tj = median(w.taskjet?.map((r) => r.figures.throughput) ?? []);
  return table(
    ["system", "tasks/s", "submit → completed p50 (ms)", "p99 (ms)", ceiling ? "of ceiling" : "Taskjet ÷ system"],
    Object.entries(w).map(([name, runs]) => {
      const tput = of(runs, (f) => f.throughput);
      return [
        name,
        fmt(tput),
        fmt(of(runs, (f) => f.p50)),
        fmt(of(runs, (f) => f.p99)),
        ceiling
          ? `${round((100 * tput.median) / ceiling, 0)} %`
          : name === "taskjet"
            ? "—"
            : `${round(tj / tput.median, 2)}×`,
      ];
    }),
  );
}

function rateLimitedTable(w: BySystem<RateLimitedFigures>) {
  const pct = (x: number) => Math.round(100 * x);
  return table(
    [
      "system",
      "tasks/s",
      "input tokens used of allowed (%)",
      "requests used of allowed (%)",
      "calls per task",
      "429s",
      "429s after the first window",
      "submit → completed p50 (ms)",
    ],
    Object.entries(w).map(([name, runs]) => [
      name,
      fmt(
        of(runs, (f) => f.throughput),
        1,
      ),
      fmt(of(runs, (f) => pct(f.inputTokenUtilization))),
      fmt(of(runs, (f) => pct(f.requestUtilization))),
      fmt(
        of(runs, (f) => f.calls / f.tasks),
        2,
      ),
      fmt(of(runs, (f) => f.rateLimited)),
      fmt(of(runs, (f) => f.rateLimitedAfterFirstWindow)),
      fmt(of(runs, (f) => f.p50)),
    ]),
  );
}

function pacedTable(w: BySystem<PacedFigures>) {
  return table(
    [
      "system",
      "submit p50 (ms)",
      "submit p99 (ms)",
      "→ completed p50 (ms)",
      "→ completed p99 (ms)",
      "GET sees it p50 / p99 (ms)",
    ],
    Object.entries(w).map(([name, runs]) => [
      name,
      fmt(
        of(runs, (f) => f.submitP50),
        2,
      ),
      fmt(
        of(runs, (f) => f.submitP99),
        2,
      ),
      fmt(
        of(runs, (f) => f.completedP50),
        1,
      ),
      fmt(
        of(runs, (f) => f.completedP99),
        1,
      ),
      runs[0]?.figures.getP50 === undefined
        ? "—"
        : `${fmt(
            of(runs, (f) => f.getP50 ?? 0),
            1,
          )} / ${fmt(
            of(runs, (f) => f.getP99 ?? 0),
            1,
          )}`,
    ]),
  );
}

/** Peak memory (largest over repetitions) and CPU seconds (median) of every process, per system. */
function usageTable(workloads: [string, BySystem<unknown>][]) {
  const rows: (string | number)[][] = [];
  for (const [workload, w] of workloads) {
    for (const [system, runs] of Object.entries(w)) {
      const labels = Object.keys(runs[0]?.usage ?? {});
      const cells = labels.map((label) => {
        const rss = Math.max(...runs.map((r) => r.usage[label]?.peakRssMb ?? 0));
        const cpu = median(runs.map((r) => r.usage[label]?.cpuSeconds ?? 0));
        return `${label} ${rss} MB / ${cpu} s`;
      });
      rows.push([workload, system, cells.join("; ")]);
    }
  }
  return table(["workload", "system", "process: peak memory (PSS) / CPU seconds"], rows);
}

function bars(title: string, unit: string, data: [string, number][], y: number, better: string) {
  const max = Math.max(...data.map(([, v]) => v), 1);
  const out = [
    `<text x="10" y="${y}" font-weight="bold">${title} <tspan font-weight="normal">(${better})</tspan></text>`,
  ];
  data.forEach(([name, v], i) => {
    const top = y + 12 + i * 26;
    const w = Math.max(1, (v / max) * 420);
    out.push(
      `<text x="10" y="${top + 15}">${name}</text>`,
      `<rect x="140" y="${top}" width="${w.toFixed(1)}" height="20" fill="${name === "taskjet" ? "#2f6fdb" : "#9aa5b1"}"/>`,
      `<text x="${(146 + w).toFixed(1)}" y="${top + 15}">${v.toLocaleString("en")} ${unit}</text>`,
    );
  });
  return out.join("\n");
}

function chart(r: Results) {
  const med = <F>(w: BySystem<F>, pick: (f: F) => number): [string, number][] =>
    Object.entries(w).map(([n, runs]) => [n, round(median(runs.map((x) => pick(x.figures))), 1)]);
  // A panel's height follows the number of systems (bars of 26 px under a title).
  const step = 26 + 26 * Object.keys(r.workloads.burstNoop).length;
  const panels = [
    bars(
      "Burst, no-op provider: throughput",
      "tasks/s",
      med(r.workloads.burstNoop, (f) => f.throughput),
      20,
      "higher is better",
    ),
    bars(
      "Burst, 200 ms provider: throughput",
      "tasks/s",
      med(r.workloads.burst200, (f) => f.throughput),
      20 + step,
      "higher is better",
    ),
    bars(
      "Paced 200/s: submit → completed p99",
      "ms",
      med(r.workloads.paced, (f) => f.completedP99),
      20 + 2 * step,
      "lower is better",
    ),
    bars(
      "Paced 200/s: submit p99",
      "ms",
      med(r.workloads.paced, (f) => f.submitP99),
      20 + 3 * step,
      "lower is better",
    ),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="680" height="${20 + 4 * step}" font-family="sans-serif" font-size="12">
<title>Taskjet beside BullMQ (also on an AOF Redis), pg-boss and graphile-worker: burst throughput and paced latency</title>
<rect width="100%" height="100%" fill="white"/>
${panels.join("\n")}
</svg>
`;
}

/** docs/benchmarks.md and docs/benchmarks.svg from a full run's results; the prose is bench/notes.md. */
export function writeReport(results: unknown, docsDir: string) {
  const r = results as Results;
  const w = r.workloads;
  const notes = readFileSync(join(import.meta.dirname, "../notes.md"), "utf8");
  const timers = w.timers.taskjet ?? [];
  const md = `# Benchmarks

Written by \`npm run bench\` on ${r.date.slice(0, 10)}. Each figure is the median of ${r.plan.reps} interleaved
repetitions, with the range in brackets. Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB,
${r.machine.kernel}, Node ${r.machine.node}. Versions: ${Object.entries(r.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join("; ")}.

![burst and paced results](benchmarks.svg)

Systems: \`bullmq\` runs on the machine's Redis, which keeps nothing on disk (the headline); \`bullmq-aof\` is the
same on a Redis of the bench's own with \`appendonly yes\` and \`appendfsync everysec\`, durable beside durable
(JetStream too syncs on a schedule). Taskjet runs on a nats-server of the bench's own, whose \`/varz\` counts the
messages in "Cost per task" below.

## Burst, no-op provider

${r.plan.burstN.toLocaleString("en")} tasks, 1,000 submits in flight, one worker with concurrency 1,000; from the first
submit to the last task completed (Taskjet: in the read model, as its WebSocket push says).

${burstTable(w.burstNoop)}

## Burst, 200 ms provider

The same with a provider that answers after 200 ms: 1,000 in flight on one worker, a ceiling of 5,000 tasks/s.

${burstTable(w.burst200, 5000)}

## Paced, 200 tasks/s for ${r.plan.pacedSeconds} s

Submit is the client's round trip (Taskjet: HTTP \`POST /tasks\`; peers: their client's add/send call).
Completed is when the subscriber hears of it (Taskjet: WebSocket; peers: as in the bursts); for one task
in ten, GET polls \`GET /tasks/:id\` every 10 ms until it shows \`completed\`.

${pacedTable(w.paced)}

## Scale: ${r.plan.scaleConcurrency.toLocaleString("en")} calls in flight on one executor, 2 s provider

${burstTable(w.scale, r.plan.scaleConcurrency / 2)}

Executor peak memory: ${Math.max(...(w.scale.taskjet ?? []).map((x) => x.usage.executor?.peakRssMb ?? 0))} MB.

${
  w.rateLimited
    ? `## Rate-limited provider

The fake Messages API enforcing Anthropic's token buckets: ${LIMITS.requests} requests and ${LIMITS.inputTokens.toLocaleString("en")}
input tokens per ${LIMITS.windowSeconds} s window (a minute, compressed); one prompt in ten is ≈1,000 tokens, so the token limit
binds. Taskjet: three executors sharing one budget for the model lane (\`LANE_LIMITS\`); BullMQ: its Worker's
\`limiter: { max: ${LIMITS.requests}, duration: ${LIMITS.windowSeconds * 1000} }\` and, on a 429, \`queue.rateLimit(retry-after)\`. Used of allowed: what
the provider admitted over the run ÷ a full bucket plus its refill over the run.

${rateLimitedTable(w.rateLimited)}

`
    : ""
}${bulkSection(w.bulk, w.bulkSkipped ?? {}, r.plan.bulkN, r.plan.bulkBatch)}## Rebuild

\`npm run rebuild\` replaying the burst's stream into a fresh read model:
${fmt(spread(w.rebuild.map((x) => x.eventsPerSecond)))} events/s over ${w.rebuild[0]?.events.toLocaleString("en")} events
(${fmt(spread(w.rebuild.map((x) => x.seconds)), 1)} s).

## Timers

${r.plan.timersN.toLocaleString("en")} tasks with \`runAt\` a few seconds ahead; lateness of \`TaskQueued\` after \`runAt\` (ms):
p50 ${fmt(of(timers, (f) => f.p50))}, p99 ${fmt(of(timers, (f) => f.p99))}, max ${fmt(of(timers, (f) => f.max))};
early: ${timers.map((t) => t.figures.early).join(", ")}.

## Processes

${usageTable([
  ["burst no-op", w.burstNoop],
  ["burst 200 ms", w.burst200],
  ["paced", w.paced],
  ["scale", w.scale],
  ...(w.bulk ? [["bulk", w.bulk] as [string, BySystem<unknown>]] : []),
])}

## Cost per task

Messages and bytes through Taskjet's nats-server (\`/varz\` \`in_msgs\`, \`out_msgs\`, \`in_bytes\`, \`out_bytes\`
over the run; "—" where the run had no monitored server) and the CPU each watched process spent, ÷ the run's
tasks. A peer's NATS figures are what Taskjet's idle services and the bench's own connection sent meanwhile.

${costTable([
  ["burst no-op", w.burstNoop, r.plan.burstN],
  ["burst 200 ms", w.burst200, r.plan.burstN],
  ["paced", w.paced, 200 * r.plan.pacedSeconds],
  ["scale", w.scale, r.plan.scaleN],
  ...(w.bulk ? [["bulk", w.bulk, r.plan.bulkN ?? 0] as [string, BySystem<unknown>, number]] : []),
])}

${notes}`;
  writeFileSync(join(docsDir, "benchmarks.md"), md);
  writeFileSync(join(docsDir, "benchmarks.svg"), chart(r));
}
