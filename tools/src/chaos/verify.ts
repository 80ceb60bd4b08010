import { foldEvents, isTerminal, type TaskState } from "@taskjet/events";
import { percentile } from "@taskjet/testkit";
import { byTask, type StoredEvent } from "../shared/stream.ts";
import { indexInPrompt, type Submitted } from "./workload.ts";

/** JSON with object keys sorted and dates as ISO strings: equal values give equal text. */
export function stableJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

/** A value as an instant when it is a date (a Date, or an ISO string), else as it is. */
const instant = (v: unknown) =>
  v instanceof Date ? v.getTime() : typeof v === "string" && /^[+-]?\d{4,6}-\d\d-\d\dT/.test(v) ? Date.parse(v) : v;

/**
 * Fields of the folded state that a read-model row (columns camelCased, as pg returns them) holds otherwise:
 * dates compared as instants, JSON by value. The row is read independently of the code under test's mapping.
 */
export function differingFields(folded: TaskState, row: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(folded) as (keyof TaskState)[]) {
    if (stableJson(instant(folded[k])) !== stableJson(instant(row[k]))) out.push(k);
  }
  return out;
}

/** What the stream says about the run's tasks: lost, doubled, orphans, and how late the timers fired. */
export function checkStream(submitted: Submitted[], events: StoredEvent[], runId: string) {
  const history = byTask(events);
  const accepted = submitted.filter((s) => s.id !== null);
  const acceptedIds = new Set(accepted.map((s) => s.id as string));
  const folded = new Map<string, TaskState | null>();
  for (const [id, h] of history) folded.set(id, foldEvents(h.map((e) => e.event)));

  const lost = accepted.filter((s) => {
    const st = folded.get(s.id as string);
    return !st || !isTerminal(st.status);
  });
  const doubledCompleted = [...history].filter(([, h]) => h.filter((e) => e.event.type === "TaskCompleted").length > 1);
  // One task per Idempotency-Key: a second task created under a key is a doubled submit.
  const byKey = new Map<string, Set<string>>();
  for (const e of events) {
    const ev = e.event;
    if ((ev.type === "TaskSubmitted" || ev.type === "TaskChained") && ev.idempotencyKey?.startsWith(`${runId}-`)) {
      const ids = byKey.get(ev.idempotencyKey) ?? new Set<string>();
      ids.add(ev.taskId);
      byKey.set(ev.idempotencyKey, ids);
    }
  }
  const doubledSubmits = [...byKey].filter(([, ids]) => ids.size > 1);
  const orphans = [...history.keys()].filter((id) => !acceptedIds.has(id));

  const late: number[] = [];
  for (const s of accepted) {
    if (s.kind !== "delayed") continue;
    const h = history.get(s.id as string) ?? [];
    const created = h.find((e) => e.event.type === "TaskSubmitted" || e.event.type === "TaskChained")?.event;
    const queued = h.find((e) => e.event.type === "TaskQueued")?.event;
    const runAt = created && "runAt" in created && created.runAt ? Date.parse(created.runAt) : null;
    if (queued && runAt !== null) late.push(Date.parse(queued.at) - runAt);
  }
  const statuses = new Map<string, number>();
  for (const s of accepted) {
    const st = folded.get(s.id as string)?.status ?? "(no events)";
    statuses.set(st, (statuses.get(st) ?? 0) + 1);
  }
  return {
    folded,
    history,
    lost: lost.map((s) => `${s.id} (${s.kind}, stream: ${folded.get(s.id as string)?.status ?? "no events"})`),
    doubledCompleted: doubledCompleted.map(([id]) => id),
    doubledSubmits: doubledSubmits.map(([key, ids]) => `${key}: ${[...ids].join(", ")}`),
    orphans,
    statuses,
    timers: {
      n: late.length,
      early: late.filter((x) => x < 0).length,
      p50: percentile(late, 0.5),
      p99: percentile(late, 0.99),
      max: late.length ? Math.max(...late) : 0,
    },
  };
}

/** The live rows against the stream: rows missing or not terminal (stuck), and rows unequal to the fold. */
export function checkReadModel(
  submitted: Submitted[],
  rows: Map<string, Record<string, unknown> & { status: string }>,
  folded: Map<string, TaskState | null>,
) {
  const stuck: string[] = [];
  for (const s of submitted) {
    if (s.id === null) continue;
    const row = rows.get(s.id);
    if (!row || !["completed", "failed", "cancelled"].includes(row.status))
      stuck.push(`${s.id} (${s.kind}, row: ${row?.status ?? "missing"})`);
  }
  const unequal: string[] = [];
  for (const [id, state] of folded) {
    const row = rows.get(id);
    if (!state) continue;
    if (!row) {
      unequal.push(`${id}: no row (stream: ${state.status})`);
      continue;
    }
    const fields = differingFields(state, row);
    if (fields.length > 0) unequal.push(`${id}: ${fields.join(", ")} (row ${row.status}, stream ${state.status})`);
  }
  for (const id of rows.keys()) if (!folded.has(id)) unequal.push(`${id}: a row without events`);
  return { stuck, unequal };
}

/**
 * Calls the provider got per task, beyond one per attempt the stream records (a failed one included); each
 * extra call is put down to the last fault before it, so the table says which fault costs calls.
 */
export function checkProviderCalls(
  submitted: Submitted[],
  callLog: { prompt: string; at: number }[],
  history: Map<string, StoredEvent[]>,
  faults: { name: string; at: number }[],
) {
  const calls = new Map<number, number[]>();
  for (const c of callLog) {
    const i = indexInPrompt(c.prompt);
    if (i !== null) calls.set(i, [...(calls.get(i) ?? []), c.at]);
  }
  const byIndex = new Map(submitted.map((s) => [s.i, s]));
  let extraCalls = 0;
  const doubled: string[] = [];
  const byFault = new Map<string, number>();
  for (const [i, times] of calls) {
    const id = byIndex.get(i)?.id ?? null;
    const h = id ? (history.get(id) ?? []) : [];
    const completed = h.some((e) => e.event.type === "TaskCompleted") ? 1 : 0;
    const explained = Math.max(1, completed + h.filter((e) => e.event.type === "TaskAttemptFailed").length);
    if (times.length <= explained) continue;
    extraCalls += times.length - explained;
    const last = Math.max(...times);
    const cause = faults.filter((f) => f.at <= last).at(-1)?.name ?? "no fault before it";
    byFault.set(cause, (byFault.get(cause) ?? 0) + times.length - explained);
    doubled.push(`${id ?? `#${i}`}: ${times.length} calls for ${explained} recorded attempt(s), after ${cause}`);
  }
  return { calls: callLog.length, tasksCalled: calls.size, extraCalls, doubled, byFault: Object.fromEntries(byFault) };
}
