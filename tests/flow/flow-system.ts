import type { EventOf } from "@taskjet/events";
import {
  createTestContext,
  type FakeLimits,
  freePort,
  type SeenRequest,
  spawnedServices,
  startFakeLlm,
  waitFor,
} from "@taskjet/testkit";

/** Anthropic's minute, compressed: the lanes' and the fake's windows. */
export const WINDOW_SECONDS = 5;
export const WINDOW_MS = WINDOW_SECONDS * 1000;

/** Each scenario has a model of its own: a lane of its own in Taskjet, buckets of their own at the fake. */
export const LANES = {
  budget: { model: "claude-flow-budget", limits: { requests: 50, inputTokens: 5000 } },
  estimate: { model: "claude-flow-estimate", limits: { requests: 50, inputTokens: 5000 } },
  pause: { model: "claude-flow-pause", limits: { requests: 50 } },
  priority: { model: "claude-flow-priority", limits: { requests: 10 } },
  fair: { model: "claude-flow-fair", limits: { requests: 20 } },
} satisfies Record<string, { model: string; limits: Omit<FakeLimits, "windowMs"> }>;
export const laneOf = (model: string) => `anthropic/${model}`;

type Observed = "TaskCompleted" | "TaskWaiting" | "TaskAttemptFailed" | "TaskStarted" | "TaskQueued";

/**
 * The four services as processes in a namespace of their own — `executors` executor processes sharing one
 * budget per lane (`LANE_LIMITS`) — against the fake Messages API enforcing the same limits per model.
 */
export async function startFlowSystem(label: string, executors: number) {
  const ctx = await createTestContext(label);
  const services = spawnedServices();
  const fake = await startFakeLlm(
    () => ({ kind: "message", text: "done in two pieces", pieces: 2, pieceDelayMs: 50 }),
    {
      // A prompt that starts with "dense" costs a third more than the executors' estimate (a quarter of the characters).
      countTokens: (text) => Math.ceil(text.length / (text.startsWith("dense") ? 3 : 4)),
      limitsByModel: Object.fromEntries(
        Object.values(LANES).map((l) => [l.model, { ...l.limits, windowMs: WINDOW_MS }] as const),
      ),
    },
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...ctx.env,
    LLM_PROVIDER: "anthropic",
    ANTHROPIC_API_KEY: "sk-test",
    ANTHROPIC_BASE_URL: fake.url,
    LANE_LIMITS: JSON.stringify(Object.fromEntries(Object.values(LANES).map((l) => [laneOf(l.model), l.limits]))),
    LANE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    EXECUTOR_CONCURRENCY: "64",
    LOG_LEVEL: "info",
  };
  const running = [
    services.spawn("projector", env),
    services.spawn("scheduler", env),
    ...Array.from({ length: executors }, (_, i) =>
      services.spawn("executor", { ...env, EXECUTOR_ID: `${label}-ex-${i + 1}` }),
    ),
  ];
  services.spawn("gateway", { ...env, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn" });
  await Promise.all(running.map((s) => s.ready));
  await waitFor(
    () =>
      fetch(`${base}/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    { what: "the gateway ready" },
  );

  /** POST /tasks as `tenant` (auth is off: X-Tenant-Id says whose it is); the task's id. */
  async function submit(body: Record<string, unknown>, tenant = "default"): Promise<string> {
    const res = await fetch(`${base}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tenant-id": tenant },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { id: string };
    if (res.status !== 202) throw new Error(`POST /tasks answered ${res.status}: ${JSON.stringify(json)}`);
    return json.id;
  }
  const callsOf = (model: string) => fake.requests.filter((r) => r.body.model === model);
  const admitted = (model: string) => callsOf(model).filter((r) => r.status === 200);
  async function eventsOf<T extends Observed>(type: T, ids: string[]) {
    const wanted = new Set(ids);
    return (await ctx.readAll(ctx.subjects.ofType(type))).filter((e): e is EventOf<T> => wanted.has(e.taskId));
  }

  return {
    base,
    fake,
    submit,
    /** `n` submits, 50 at a time; their ids in order of `i`. */
    async submitMany(n: number, body: (i: number) => Record<string, unknown>, tenant?: string) {
      const ids: string[] = [];
      for (let i = 0; i < n; i += 50) {
        const batch = Array.from({ length: Math.min(50, n - i) }, (_, j) => submit(body(i + j), tenant));
        ids.push(...(await Promise.all(batch)));
      }
      return ids;
    },
    /** Every call of `model` the fake saw, in arrival order. */
    callsOf,
    /** Once `n` calls of `model` were admitted (answered 200): every call of it so far. */
    untilAdmitted: (model: string, n: number, timeoutMs = 30_000) =>
      waitFor(() => admitted(model).length >= n && callsOf(model), {
        timeoutMs,
        intervalMs: 50,
        what: `${n} calls of ${model} admitted (so far ${admitted(model).length})`,
      }),
    eventsOf,
    /** Once every one of `ids` has completed: their TaskCompleted events. */
    untilCompleted: (ids: string[]) =>
      waitFor(
        async () => {
          const done = await eventsOf("TaskCompleted", ids);
          return done.length >= ids.length && done;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: `${ids.length} tasks completed` },
      ),
    /** How many of `calls` each executor made; their prompts are `${prefix} ${i}` for the task `ids[i]`. */
    async executorsOf(calls: SeenRequest[], ids: string[], prefix: string) {
      const started = new Map((await eventsOf("TaskStarted", ids)).map((e) => [e.taskId, e.executorId]));
      const by: Record<string, number> = {};
      for (const c of calls) {
        const ex = started.get(ids[Number(c.prompt.slice(prefix.length + 1))] ?? "") ?? "?";
        by[ex] = (by[ex] ?? 0) + 1;
      }
      return by;
    },
    async stop() {
      await services.killAll();
      await fake.close();
      await ctx.cleanup();
    },
  };
}
export type FlowSystem = Awaited<ReturnType<typeof startFlowSystem>>;
