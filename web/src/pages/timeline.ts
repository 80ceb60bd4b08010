// A task's history (GET /tasks/:id/events) as lanes: what happened before any attempt, then one lane per
// try — queued → started → failed / completed — each with the model it called, each failure with its class,
// message and retryAt, the switch to a fallback model, and a completion from the result cache as its own lane.
import type { TaskEvent } from "../api/client.ts";
import { clock } from "../format.ts";

export type Step = { label: string; time: string; detail?: string; tone?: "ok" | "bad" | "warn" | "info" };
export type Failure = { code: string; message: string; retryAt: string | null; retryable: boolean; counted: boolean };
export type Lane = {
  title: string;
  steps: Step[];
  failure?: Failure;
  outcome: "waiting" | "running" | "completed" | "failed" | "cancelled" | "retried" | "done";
  /** The model the attempt called: the task's own, or the fallback it had moved to. */
  model?: string;
};

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const field = (v: unknown, key: string): unknown =>
  typeof v === "object" && v !== null ? Reflect.get(v, key) : undefined;

export function lanesOf(events: readonly TaskEvent[]): Lane[] {
  const created: Lane = { title: "Accepted", steps: [], outcome: "done" };
  const lanes: Lane[] = [created];
  let open: Lane | null = null; // the attempt lane that has started and not ended
  let queuedAt: string | null = null; // since when the next attempt has been waiting
  let waits: Step[] = []; // why it waited since, for its lane (TaskWaiting: a paused or busy model lane)
  let model: string | null = null; // the task's own model (TaskQueued); an attempt on a fallback names its own
  for (const e of events) {
    const p = e.payload;
    switch (e.type) {
      case "TaskSubmitted":
        created.steps.push({ label: "submitted", time: e.time, tone: "info" });
        break;
      case "TaskChained":
        created.steps.push({ label: "chained", time: e.time, tone: "info", detail: `on ${str(p.parentId) ?? "?"}` });
        break;
      case "TaskScheduled":
        created.steps.push({ label: "scheduled", time: e.time, detail: `runs at ${str(p.runAt) ?? "?"}` });
        break;
      case "TaskAwaitingParent":
        created.steps.push({ label: "awaiting parent", time: e.time });
        break;
      case "TaskRetryRequested":
        lanes.push({ title: "Retry requested", steps: [{ label: "retry requested", time: e.time }], outcome: "done" });
        break;
      case "TaskQueued":
        queuedAt = e.time;
        waits = [];
        model = str(field(p.input, "model")) ?? model;
        break;
      case "TaskWaiting": {
        const until = str(p.until);
        const detail = `${str(p.reason) ?? "?"}${until ? ` until ${clock(until)}` : ""}`;
        waits.push({ label: "waiting", time: e.time, detail, tone: "warn" });
        break;
      }
      case "TaskStarted": {
        const attempt = num(p.attempt) ?? lanes.length;
        const lane: Lane = { title: `Attempt ${attempt}`, steps: [], outcome: "running", ...modelOf(p.model, model) };
        if (queuedAt) lane.steps.push({ label: "queued", time: queuedAt });
        lane.steps.push(...waits);
        waits = [];
        lane.steps.push({ label: "started", time: e.time, detail: str(p.executorId) ?? undefined, tone: "info" });
        lanes.push(lane);
        open = lane;
        queuedAt = null;
        break;
      }
      case "TaskAttemptFailed": {
        const lane = open ?? pushLane(lanes, `Attempt ${num(p.attempt) ?? "?"}`, modelOf(p.model, model));
        const err = (p.error ?? {}) as { code?: unknown; message?: unknown };
        const failure: Failure = {
          code: str(err.code) ?? "error",
          message: str(err.message) ?? "",
          retryAt: str(p.retryAt),
          retryable: p.retryable === true,
          counted: p.countsAsAttempt !== false,
        };
        lane.failure = failure;
        lane.outcome = failure.retryable ? "retried" : "failed";
        lane.steps.push({ label: "attempt failed", time: e.time, detail: failure.code, tone: "bad" });
        const next = str(p.nextModel);
        if (next !== null) {
          // The model is given up (overloaded or unavailable after its retries): the next attempt calls another.
          const detail = `${lane.model ?? "?"} → ${next}`;
          lane.steps.push({ label: "switching model", time: e.time, detail, tone: "warn" });
        }
        queuedAt = e.time; // redelivered from here
        open = null;
        break;
      }
      case "TaskCompleted": {
        // From the result cache: no attempt started, no call was made; the lane says so rather than "Attempt n".
        const cached = p.cached === true;
        let lane = open;
        if (lane === null) {
          lane = pushLane(lanes, cached ? "From the result cache" : `Attempt ${num(p.attempt) ?? "?"}`);
          if (queuedAt) lane.steps.push({ label: "queued", time: queuedAt }, ...waits);
        }
        if (lane.model === undefined) Object.assign(lane, modelOf(p.model, model));
        const detail = [cached ? "from cache" : null, str(p.stopReason)].filter((d) => d !== null).join(" · ");
        lane.steps.push({ label: "completed", time: e.time, detail: detail || undefined, tone: "ok" });
        lane.outcome = "completed";
        open = null;
        queuedAt = null;
        waits = [];
        break;
      }
      case "TaskFailed": {
        const lane = open ?? lanes.at(-1) ?? created;
        const attempts = num(p.attempts);
        lane.steps.push({
          label: "failed",
          time: e.time,
          detail: attempts === null ? undefined : `after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
          tone: "bad",
        });
        lane.outcome = "failed";
        open = null;
        queuedAt = null;
        break;
      }
      case "TaskCancelled": {
        const lane = open ?? lanes.at(-1) ?? created;
        lane.steps.push({ label: "cancelled", time: e.time, detail: str(p.reason) ?? undefined, tone: "warn" });
        lane.outcome = "cancelled";
        open = null;
        queuedAt = null;
        break;
      }
      default:
        created.steps.push({ label: e.type, time: e.time });
    }
  }
  if (queuedAt && !open) {
    const waiting = lanes.at(-1);
    if (waiting?.outcome === "retried" || waiting === created || waiting?.title === "Retry requested") {
      lanes.push({ title: "Next attempt", steps: [{ label: "queued", time: queuedAt }, ...waits], outcome: "waiting" });
    }
  }
  return lanes;
}

/** The model an event names (a fallback's), else the task's own; none when neither is known. */
function modelOf(named: unknown, own: string | null): { model?: string } {
  const model = str(named) ?? own;
  return model === null ? {} : { model };
}

function pushLane(lanes: Lane[], title: string, model: { model?: string } = {}): Lane {
  const lane: Lane = { title, steps: [], outcome: "running", ...model };
  lanes.push(lane);
  return lane;
}

/** Where the lanes' times fall: first event to last (or now, while the task is live). */
export function span(lanes: readonly Lane[], now: number, live: boolean): { start: number; end: number } {
  const times = lanes.flatMap((l) => l.steps.map((s) => Date.parse(s.time)));
  const start = Math.min(...times);
  const end = Math.max(...times, live ? now : 0);
  return { start, end: Math.max(end, start + 1) };
}
