import { ms, renderTable } from "../shared/table.ts";
import type { ChaosReport } from "./run.ts";

const SHOW = 5;
const list = (title: string, xs: readonly string[], show = SHOW) =>
  xs.length === 0
    ? []
    : [
        `${title} (${xs.length}${xs.length > show ? `, first ${show}` : ""}):`,
        ...xs.slice(0, show).map((x) => `  ${x}`),
      ];

/** What the issue allows: a call made twice for at most 1 % of the tasks called, timers a few seconds late. */
export const BOUNDS = { extraCallsShare: 0.01, timerLateMs: 15_000 };

/** The properties a run must keep; each failed one makes the exit code non-zero. */
export function failures(r: ChaosReport, bounds = BOUNDS): string[] {
  const out: string[] = [];
  if (r.lost.length > 0) out.push(`${r.lost.length} lost`);
  if (r.doubledCompleted.length > 0) out.push(`${r.doubledCompleted.length} completed twice`);
  if (r.doubledSubmits.length > 0) out.push(`${r.doubledSubmits.length} keys made two tasks`);
  if (r.stuck.length > 0) out.push(`${r.stuck.length} stuck`);
  if (r.liveVsStream.length > 0) out.push(`${r.liveVsStream.length} rows unequal to the stream`);
  if (!r.rebuild.ok) out.push("live ≠ rebuild");
  if (r.gaveUp > 0) out.push(`${r.gaveUp} submits never answered`);
  if (r.accepted === 0) out.push("nothing accepted");
  if (r.calls.extraCalls > bounds.extraCallsShare * r.calls.tasksCalled)
    out.push(
      `${r.calls.extraCalls} calls made twice (over ${100 * bounds.extraCallsShare} % of ${r.calls.tasksCalled})`,
    );
  if (r.timers.early > 0) out.push(`${r.timers.early} timers fired early`);
  if (r.timers.max > bounds.timerLateMs) out.push(`a timer fired ${ms(r.timers.max)} late`);
  if (r.http.fiveXx > 0) out.push(`${r.http.fiveXx} 5xx answers other than 503`);
  if (r.http.unavailableWithoutRetryAfter > 0)
    out.push(`${r.http.unavailableWithoutRetryAfter} 503s without Retry-After`);
  if (r.deadAtEnd.length > 0) out.push(`dead at the end: ${r.deadAtEnd.join(", ")}`);
  if (r.faults.some((f) => f.backMs === null)) out.push("a fault the system did not come back from");
  return out;
}

export function renderChaosReport(r: ChaosReport): string {
  const pct = r.calls.tasksCalled ? ((100 * r.calls.extraCalls) / r.calls.tasksCalled).toFixed(2) : "0";
  const main = renderTable(
    `chaos ${r.runId}: ${r.options.tasks} tasks, ${r.options.rate}/s, down ${r.options.downMs} ms, ` +
      `${
        Object.entries(r.options.serviceEnv)
          .map(([k, v]) => `${k}=${v}, `)
          .join("") || "service defaults, "
      }` +
      `${r.ownsPostgres ? "own" : "SHARED (not restarted)"} Postgres`,
    [
      ["accepted", `${r.accepted} of ${r.submitted}`],
      ["refused (4xx)", r.refused.length],
      ["never answered (gave up)", r.gaveUp],
      ["lost (no terminal state in the stream)", r.lost.length],
      ["doubled TaskCompleted", r.doubledCompleted.length],
      ["doubled tasks per Idempotency-Key", r.doubledSubmits.length],
      ["tasks the client never heard of", r.orphans.length],
      ["stuck (not terminal in the read model)", r.stuck.length],
      ["rows unequal to the stream's fold", r.liveVsStream.length],
      ["live vs rebuild", r.rebuild.ok ? `equal (${r.rebuild.rows} rows)` : `DIFFER (${r.rebuild.differing.length})`],
      ["provider calls", r.calls.calls],
      ["calls made twice (beyond recorded attempts)", `${r.calls.extraCalls} (${pct} % of tasks called)`],
      ...Object.entries(r.calls.byFault).map(([f, n]) => [`  … the extra call came after ${f}`, n] as [string, number]),
      ["timers late p50 / p99 / max", `${ms(r.timers.p50)} / ${ms(r.timers.p99)} / ${ms(r.timers.max)}`],
      ["timers early", `${r.timers.early} of ${r.timers.n}`],
      ["5xx answers other than 503", r.http.fiveXx],
      ["503 answers (without Retry-After)", `${r.http.unavailable} (${r.http.unavailableWithoutRetryAfter})`],
      [
        "HTTP answers",
        Object.entries(r.http.byStatus)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", "),
      ],
      [
        "final statuses",
        Object.entries(r.statuses)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", "),
      ],
      ["settled after the last submit", r.settled ? ms(r.settledMs) : `NO (gave up after ${ms(r.settledMs)})`],
      ["services that died on their own", r.unplannedExits.length],
      ["services dead at the end", r.deadAtEnd.length === 0 ? "none" : r.deadAtEnd.join(", ")],
      ["whole run", ms(r.elapsedMs)],
    ],
  );
  const faults = renderTable(
    "fault → back (service ready / gateway /ready 200), first submit accepted after it",
    r.faults.map((f) => [f.name, `${ms(f.backMs)}, submits ok after ${ms(f.submitsOkMs)}`]),
  );
  return [
    main,
    "",
    faults,
    ...list("lost", r.lost),
    ...list("doubled TaskCompleted", r.doubledCompleted),
    ...list("doubled submits", r.doubledSubmits),
    ...list("orphans", r.orphans),
    ...list("stuck", r.stuck),
    ...list("rows unequal to the stream", r.liveVsStream),
    ...(r.rebuild.error ? [`rebuild: ${r.rebuild.error}`] : []),
    ...list("live vs rebuild", r.rebuild.differing),
    ...list("calls made twice", r.calls.doubled),
    ...list("refused", r.refused),
    ...list(
      "5xx (first few, 503 included)",
      r.http.samples.map((s) => `${s.method} ${s.path} → ${s.status} ${s.body}`),
    ),
    ...list(
      "services that died on their own",
      r.unplannedExits.map((u) => `${u.role} exited ${u.exit}: ${u.lastLines.slice(-3).join(" | ").slice(0, 400)}`),
    ),
    ...list("the projectors' last lines (the read model settled slowly or not at all)", r.projectorTail, 24),
  ].join("\n");
}
