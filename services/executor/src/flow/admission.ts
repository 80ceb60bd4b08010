import type { TenantFlow, Usage, WaitReason } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import type { Need } from "./budget.ts";
import type { Refusal, Reserved, ReserveRequest, SettleRequest } from "./lane-store.ts";
import { AdmissionQueue, effectiveRank, type Held } from "./queue.ts";

/** What admission counts as it goes (metrics.ts serves it); a no-op when metrics are off. */
export type FlowMetrics = {
  reservation(lane: string, result: "ok" | string): void;
  rateLimited(lane: string): void;
  callEnded(lane: string, seconds: number): void;
};
const NO_METRICS: FlowMetrics = { reservation() {}, rateLimited() {}, callEnded() {} };

/** A held task: what admission orders it by and what its call will take from the lane. */
export type Candidate = Held & { taskId: string; gen: number; need: Need; timeoutMs: number };

/** How a call that was admitted ended, for its lane and its tenant. */
export type CallEnd = { used: Usage | null; headers: Record<string, string>; pauseMs: number | null };

/** The right to make one call: `end` must follow once, whatever happened. */
export type Ticket = { lane: string; end(result: CallEnd): Promise<void> };

type Wait = { reason: WaitReason; until: number | null };
type Waiter = Candidate & { admit: (t: Ticket | null) => void; reported: WaitReason | null; reportedAt: number };

/** What admission needs of the lanes' budgets (lane-store.ts) and of the tenants (tenants.ts). */
export type LaneBudgets = {
  reserve(lane: string, req: ReserveRequest): Promise<{ ok: true; reserved: Reserved } | Refusal>;
  settle(lane: string, req: SettleRequest): Promise<void>;
};
export type TenantSettings = {
  flowOf(tenant: string): TenantFlow;
  overSpend(tenant: string, now: Date): boolean;
  charge(tenant: string, lane: string, used: Usage | null, now: Date): Promise<void>;
};

export type AdmissionOptions = {
  /** Calls this executor runs at once (EXECUTOR_CONCURRENCY); it may hold many more. */
  runLimit: number;
  agingMs: number;
  lanes: LaneBudgets;
  tenants: TenantSettings;
  now: () => Date;
  random: () => number;
  log: Logger;
  /** A held task has waited `REPORT_AFTER_MS` or its reason changed since: publish one TaskWaiting. */
  onWaiting: (task: Candidate, wait: Wait) => void;
  metrics?: FlowMetrics;
  /** Heard when a task is taken into holding, so its lane's demand can be told at once. */
  onHeld?: (lane: string) => void;
  /** Heard when a look ends with a run slot free or all held work held back by its lane: time to fetch more. */
  onRoom?: () => void;
};

/** A held task not admitted within this long gets a TaskWaiting (then one more only if its reason changes). */
const REPORT_AFTER_MS = 1000;
/**
 * At most one TaskWaiting per task this often, so a lane whose reason flips (out of budget, then at its
 * concurrency) does not make an event per look; and at most this many a tick (every 500 ms), so a backlog of
 * thousands turning held at once is reported over a few seconds rather than in one burst of publishes.
 */
const REPORT_EVERY_MS = 10_000;
const REPORTS_PER_TICK = 500;
/** Each executor wakes this much (at random) after a lane's pause or refill is due, so they do not all at once. */
const WAKE_JITTER_MS = 200;
/**
 * A reservation counts against the lane's concurrency for this long unless this executor renews it (the lane
 * store does, every third of it, while it has calls in flight): a killed executor's calls free themselves.
 */
export const CALL_LEASE_MS = 30_000;

/**
 * The coordinator between held tasks and run slots. When a slot is free, it takes the next task in admission
 * order (queue.ts) whose lane can reserve its need (lane-store.ts) and whose tenant is under its cap and spend;
 * a lane or tenant that cannot is skipped until something changes: a lane's shared state (the watch), a slot
 * freed, a new task, a tenant's settings, or the time a pause or refill is due. Everything runs in one `pump` at
 * a time, so two decisions never race in this process; across executors the lane's compare-and-set decides.
 */
export function createAdmission(opts: AdmissionOptions) {
  const { runLimit, lanes, tenants, log } = opts;
  const metrics = opts.metrics ?? NO_METRICS;
  const held = new Map<string, Waiter>();
  const queue = new AdmissionQueue<Waiter>({ agingMs: opts.agingMs, weightOf: (t) => tenants.flowOf(t).weight });
  /** Why a lane, or a tenant in a lane (`lane|tenant`), could not take a task when last asked. */
  const waits = new Map<string, Wait>();
  const runningBy = new Map<string, number>();
  let running = 0;
  let closed = false;
  let pumping = false;
  let again = false;
  let timer: { at: number; handle: NodeJS.Timeout } | null = null;
  const nowMs = () => opts.now().getTime();

  const reporter = setInterval(report, 500);
  reporter.unref();

  function report() {
    const now = nowMs();
    let budget = REPORTS_PER_TICK;
    for (const w of held.values()) {
      if (budget === 0) return;
      if (now - w.heldAt < REPORT_AFTER_MS || now - w.reportedAt < REPORT_EVERY_MS) continue;
      const wait = waits.get(`${w.lane}|${w.tenant}`) ?? waits.get(w.lane);
      if (!wait || wait.reason === w.reported) continue;
      w.reported = wait.reason;
      w.reportedAt = now;
      budget--;
      opts.onWaiting(w, wait);
    }
  }

  function wakeAt(at: number) {
    const when = at + Math.round(opts.random() * WAKE_JITTER_MS);
    if (timer && timer.at <= when) return;
    if (timer) clearTimeout(timer.handle);
    const handle = setTimeout(
      () => {
        timer = null;
        poke();
      },
      Math.max(0, when - nowMs()),
    );
    timer = { at: when, handle };
  }

  function poke() {
    if (closed) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    pump()
      .catch((err: unknown) => {
        // A lane's budget could not be read or written (NATS away): look again in a second.
        log.error({ err }, "admission failed; trying again shortly");
        wakeAt(nowMs() + 1000);
      })
      .finally(() => {
        pumping = false;
        if (again) poke();
      });
  }

  /** Whether a tenant's work on a lane waits for the lane only (not for its spend or its own cap). */
  function heldBackByLane(lane: string, tenant: string): boolean {
    const reason = waits.get(`${lane}|${tenant}`)?.reason;
    return reason !== "spend_limit" && reason !== "tenant_concurrency";
  }

  /**
   * Whether the last look found work ready to start with every run slot taken. Then the executor has enough in
   * hand: more would wait here for a slot while another executor with free slots could run it (held work is
   * this executor's alone until it is acked or handed back). Work the lanes hold back does not count: that is
   * what holding is for, so that priorities and tenants are chosen among all of it.
   */
  let slotBound = false;

  async function pump() {
    do {
      again = false;
      const skip = new Set<string>();
      const open = (lane: string, tenant: string) => !skip.has(lane) && !skip.has(`${lane}|${tenant}`);
      slotBound = false;
      for (;;) {
        if (closed) break;
        if (running >= runLimit) {
          slotBound = queue.next(nowMs(), open) !== null;
          break;
        }
        const w = queue.next(nowMs(), open);
        if (!w) break;
        const tenantKey = `${w.lane}|${w.tenant}`;
        const block = (key: string, wait: Wait) => {
          skip.add(key);
          waits.set(key, wait);
          if (wait.until !== null) wakeAt(wait.until);
        };
        const flow = tenants.flowOf(w.tenant);
        if (tenants.overSpend(w.tenant, opts.now())) {
          block(tenantKey, { reason: "spend_limit", until: null });
          continue;
        }
        if (flow.maxConcurrent !== null && (runningBy.get(tenantKey) ?? 0) >= flow.maxConcurrent) {
          block(tenantKey, { reason: "tenant_concurrency", until: null });
          continue;
        }
        const now = nowMs();
        const r = await lanes.reserve(w.lane, {
          ...{ tenant: w.tenant, need: w.need, tenantCap: flow.maxConcurrent, leaseMs: CALL_LEASE_MS },
          ...{ rank: effectiveRank(w, now, opts.agingMs), weight: flow.weight },
          demand: queue.demand(w.lane, now, (t) => heldBackByLane(w.lane, t)),
        });
        metrics.reservation(w.lane, r.ok ? "ok" : r.reason);
        if (!r.ok) {
          const onlyTenant = r.reason === "tenant_concurrency" || r.tenantOnly === true;
          block(onlyTenant ? tenantKey : w.lane, { reason: r.reason, until: r.untilMs });
          continue;
        }
        waits.delete(w.lane);
        waits.delete(tenantKey);
        if (!held.has(w.id)) {
          // Cancelled or handed back while the reservation was on its way: give it back.
          void release(w, r.reserved, { used: null, headers: {}, pauseMs: null }, false);
          continue;
        }
        queue.take(w);
        held.delete(w.id);
        running++;
        runningBy.set(tenantKey, (runningBy.get(tenantKey) ?? 0) + 1);
        let ended = false;
        const admittedAt = nowMs();
        w.admit({
          lane: w.lane,
          end: async (result) => {
            if (ended) return;
            ended = true;
            metrics.callEnded(w.lane, (nowMs() - admittedAt) / 1000);
            if (result.pauseMs !== null) metrics.rateLimited(w.lane);
            await release(w, r.reserved, result, true, admittedAt);
          },
        });
      }
    } while (again && !closed);
    if (!slotBound) opts.onRoom?.();
  }

  /** Frees the slot at once, then settles the lane and the tenant's spend (their failures are only logged). */
  async function release(w: Waiter, reserved: Reserved, result: CallEnd, counted: boolean, startedAt = nowMs()) {
    const tenantKey = `${w.lane}|${w.tenant}`;
    if (counted) {
      running--;
      const n = (runningBy.get(tenantKey) ?? 1) - 1;
      if (n <= 0) runningBy.delete(tenantKey);
      else runningBy.set(tenantKey, n);
    }
    try {
      await lanes.settle(w.lane, { tenant: w.tenant, reserved, ...result, startedAt });
      await tenants.charge(w.tenant, w.lane, result.used, opts.now());
    } catch (err) {
      log.warn({ err, lane: w.lane, taskId: w.taskId }, "a call's settlement was not written");
    } finally {
      poke();
    }
  }

  return {
    /**
     * Holds a task until it may run: resolves with its ticket, or null when `signal` aborted first (cancelled,
     * shutting down) or admission closed.
     */
    admit(candidate: Candidate, signal: AbortSignal): Promise<Ticket | null> {
      if (closed || signal.aborted) return Promise.resolve(null);
      return new Promise((resolve) => {
        const onAbort = () => {
          if (held.delete(candidate.id)) queue.remove(candidate.id);
          resolve(null);
        };
        const w: Waiter = {
          ...candidate,
          reported: null,
          reportedAt: Number.NEGATIVE_INFINITY,
          admit: (t) => {
            signal.removeEventListener("abort", onAbort);
            resolve(t);
          },
        };
        signal.addEventListener("abort", onAbort, { once: true });
        held.set(w.id, w);
        queue.add(w);
        opts.onHeld?.(w.lane);
        poke();
      });
    },
    /** Something admission depends on changed (a lane's state, a tenant's settings): look again. */
    poke,
    /** What this executor wants of a lane next (turns.ts), as its queue snapshot tells the others. */
    demandOf: (lane: string) => queue.demand(lane, nowMs(), (t) => heldBackByLane(lane, t)),
    /** Calls admitted and not yet ended. */
    running: () => running,
    /** Whether to take more work from the stream now (see `slotBound`). */
    wantsMore: () => !slotBound && !closed,
    /** Hands every held task back (their admits resolve null) and admits nothing more. */
    close() {
      closed = true;
      clearInterval(reporter);
      if (timer) clearTimeout(timer.handle);
      for (const w of [...held.values()]) {
        held.delete(w.id);
        queue.remove(w.id);
        w.admit(null);
      }
    },
    /** What is held and running, for the queue snapshot and metrics. */
    snapshot() {
      const waitOf = (w: Waiter) => waits.get(`${w.lane}|${w.tenant}`) ?? waits.get(w.lane) ?? null;
      const now = nowMs();
      const lanesHeld = new Set([...held.values()].map((w) => w.lane));
      const demand = new Map([...lanesHeld].map((l) => [l, queue.demand(l, now, (t) => heldBackByLane(l, t))]));
      return {
        running,
        runningBy: new Map(runningBy),
        demand,
        held: [...held.values()].map((w) => ({
          lane: w.lane,
          tenant: w.tenant,
          priority: w.priority,
          wait: waitOf(w),
        })),
      };
    },
  };
}
export type Admission = ReturnType<typeof createAdmission>;
