import type { KV } from "@nats-io/kv";
import { ExecutorQueue, flowKeys, type LaneLimits, LaneState, NO_LIMITS } from "@taskjet/events";
import { followKeys, isCasConflict, type Logger } from "@taskjet/runtime";
import {
  type Clock,
  hasLimits,
  limitsInForce,
  type Need,
  newLane,
  pause,
  type Reservation,
  readySince,
  reconcile,
  renewCalls,
  reserve,
  type Used,
} from "./budget.ts";
import { learn, saysLimits } from "./learn.ts";
import { charge, type Demand, isTurn, laneDemand, TURN_GRACE_MS } from "./turns.ts";

/** A reservation made: whether it lives in the shared budget (then its settle must go there too). */
export type Reserved = { shared: boolean; need: Need };

/** How a call ended, for its lane. */
export type SettleRequest = {
  tenant: string;
  reserved: Reserved;
  used: Used | null;
  headers: Record<string, string>;
  /** A 429: the lane pauses this long. */
  pauseMs: number | null;
  /** When the call started: what its headers say of `remaining` was true then. */
  startedAt: number;
};

export type LaneStoreOptions = {
  kv: KV;
  executorId: string;
  /** LANE_LIMITS: by lane, or `*` for every lane. */
  configured: Record<string, Partial<LaneLimits>>;
  windowMs: number;
  now: () => number;
  log: Logger;
  /** Heard on every change to a lane's shared state (another executor's reservation, a pause, a settle). */
  onChange: (lane: string) => void;
};

/** Compare-and-set tries before a write gives up (each lost one re-reads the lane first). */
const MAX_CAS_TRIES = 50;
/** Another executor's queue snapshot (written every 2 s) counts in a lane's demand while this fresh. */
const QUEUE_FRESH_MS = 6000;

/** A reservation asked of a lane: its need, and where it stands in the lane-wide order (turns.ts). */
export type ReserveRequest = {
  tenant: string;
  need: Need;
  tenantCap: number | null;
  leaseMs: number;
  /** Its effective priority rank (aging included) and its tenant's weight. */
  rank: number;
  weight: number;
  /** What this executor wants of the lane next (the others' comes from their queue snapshots). */
  demand: Demand | null;
};
/** Refused: why, until when, and whether only this tenant is held back (not its turn) or the whole lane. */
export type Refusal = Extract<Reservation, { ok: false }> & { tenantOnly?: boolean };

/**
 * The lanes' shared budgets in the KV bucket `<kvPrefix>_flow`, one key per lane, kept in memory by a watch of
 * `lane.>`. Every change is a compare-and-set against the revision this process last saw; a lost race re-reads
 * the key and applies the change again, so executors never overwrite each other's reservations.
 *
 * A lane nobody has limited (nothing configured, nothing learned, not paused) is not shared at all: its calls
 * reserve and settle in memory, with no KV operation — the cost of flow control when there is nothing to control
 * is zero. A limited lane costs two compare-and-sets per call (reserve, settle), plus a lost race now and then,
 * and each write reaches every executor's watch once.
 */
export async function openLaneStore(opts: LaneStoreOptions) {
  const { kv, executorId, windowMs, now, log } = opts;
  const laneOfKey = new Map<string, string>();
  const follow = await followKeys(kv, "lane.>", log, (key) => {
    const lane = laneOfKey.get(key) ?? stateOfKey(key)?.lane;
    if (lane !== undefined) opts.onChange(lane);
  });

  /** Decoded once per revision: admission looks at a lane far more often than it changes. */
  const decoded = new Map<string, { revision: number; state: LaneState | null }>();
  function stateOfKey(key: string): LaneState | null {
    const known = follow.known.get(key);
    if (!known || known.value === null) return null;
    const cached = decoded.get(key);
    if (cached?.revision === known.revision) return cached.state;
    const parsed = LaneState.safeParse(known.value);
    if (!parsed.success) log.warn({ key }, "a lane's state does not decode; it is started afresh");
    const state = parsed.success ? parsed.data : null;
    decoded.set(key, { revision: known.revision, state });
    if (state) laneOfKey.set(key, state.lane);
    return state;
  }

  const defined = (l: Partial<LaneLimits> | undefined) =>
    Object.fromEntries(Object.entries(l ?? {}).filter(([, v]) => v !== undefined));
  // Every executor's queue snapshot: their demand on each lane, so one order holds across the lane.
  const ownQueueKey = flowKeys.queue(executorId);
  const queues = await followKeys(kv, "queue.>", log, () => undefined);
  const decodedQueues = new Map<string, { revision: number; queue: ExecutorQueue | null }>();
  function otherQueues(): ExecutorQueue[] {
    const out: ExecutorQueue[] = [];
    for (const [key, known] of queues.known) {
      if (key === ownQueueKey || known.value === null) continue;
      let cached = decodedQueues.get(key);
      if (cached?.revision !== known.revision) {
        const parsed = ExecutorQueue.safeParse(known.value);
        cached = { revision: known.revision, queue: parsed.success ? parsed.data : null };
        decodedQueues.set(key, cached);
      }
      if (cached.queue) out.push(cached.queue);
    }
    return out;
  }

  const configuredFor = (lane: string): LaneLimits => ({
    ...NO_LIMITS,
    ...defined(opts.configured["*"]),
    ...defined(opts.configured[lane]),
  });
  const clock = (): Clock => ({ now: now(), windowMs });

  /** The lane as last seen, under the limits in force for this executor (its configuration, what was learned). */
  function view(lane: string): LaneState | null {
    const state = stateOfKey(flowKeys.lane(lane));
    if (!state) return null;
    return { ...state, limits: limitsInForce(configuredFor(lane), state.learned) };
  }

  /** Whether the lane's calls go through the shared budget: it has limits, or it is paused. */
  function isShared(lane: string): boolean {
    if (hasLimits(configuredFor(lane))) return true;
    const state = view(lane);
    return state !== null && (hasLimits(state.learned) || (state.pausedUntil ?? 0) > now());
  }

  /**
   * Applies `change` to the lane's latest state and writes it by compare-and-set; `change` returns null to write
   * nothing. Its result is what the last (successful) application returned.
   */
  /** Compare-and-sets written and lost, for the report of what flow control costs. */
  const cas = { written: 0, lost: 0, lostBy: {} as Record<string, number> };

  async function mutate<R>(
    lane: string,
    change: (s: LaneState) => { next: LaneState | null; result: R },
    what = "",
  ): Promise<R> {
    const key = flowKeys.lane(lane);
    for (let i = 0; i < MAX_CAS_TRIES; i++) {
      const known = follow.known.get(key);
      const base = view(lane) ?? newLane(lane, configuredFor(lane), now());
      const { next, result } = change(base);
      if (next === null) return result;
      const data = JSON.stringify(next);
      try {
        const revision =
          known && known.value !== null ? await kv.update(key, data, known.revision) : await kv.create(key, data);
        follow.apply(key, revision, next);
        cas.written++;
        return result;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
        cas.lost++;
        cas.lostBy[what] = (cas.lostBy[what] ?? 0) + 1;
        await follow.refresh(key);
      }
    }
    throw new Error(`lane ${lane}: ${MAX_CAS_TRIES} compare-and-sets lost in a row`);
  }

  let renewing: NodeJS.Timeout | null = null;

  type Settling = { req: SettleRequest; resolve: () => void; reject: (err: unknown) => void };
  const settling = new Map<string, { waiting: Settling[]; writing: boolean }>();

  /** Writes the lane's waiting settles, in batches, until none is left. */
  async function writeSettles(lane: string, b: { waiting: Settling[]; writing: boolean }) {
    b.writing = true;
    while (b.waiting.length > 0) {
      const batch = b.waiting.splice(0);
      try {
        await mutate(
          lane,
          (s) => ({ next: batch.reduce((state, { req }) => settled(state, lane, req), s), result: undefined }),
          "settle",
        );
        for (const x of batch) x.resolve();
      } catch (err) {
        for (const x of batch) x.reject(err);
      }
    }
    b.writing = false;
    settling.delete(lane);
  }

  /** One call's settlement applied to the lane's state. */
  function settled(state: LaneState, lane: string, req: SettleRequest): LaneState {
    const c = clock();
    // Learned first: the provider's `remaining` predates this call's refund, which reconcile then adds.
    let next = saysLimits(req.headers) ? learn(state, req.headers, configuredFor(lane), c, req.startedAt) : state;
    if (req.reserved.shared) {
      next = reconcile(next, { executorId, tenant: req.tenant, reserved: req.reserved.need, used: req.used }, c);
    }
    if (req.pauseMs !== null) next = pause(next, req.pauseMs, c);
    return next;
  }

  return {
    isShared,
    view,
    configuredFor,

    /**
     * Takes a call's need from the lane, or says why not; in memory only for a lane nobody limits. On a shared
     * lane it must also be the call's turn lane-wide: nobody waits at a higher rank, and its tenant has had no
     * more than its share among those waiting at that rank (turns.ts) — the grant moves its tenant's pass on in
     * the same compare-and-set. A turn nobody takes is not waited on for more than TURN_GRACE_MS.
     */
    async reserve(lane: string, req: ReserveRequest): Promise<{ ok: true; reserved: Reserved } | Refusal> {
      if (!isShared(lane)) return { ok: true, reserved: { shared: false, need: req.need } };
      const r = await mutate(
        lane,
        (s): { next: LaneState | null; result: { ok: true; need: Need } | Refusal } => {
          const c = clock();
          const out = reserve(s, { ...req, executorId }, c);
          if (!out.ok) return { next: null, result: out };
          const demand = laneDemand(lane, req.demand, otherQueues(), { now: c.now, freshMs: QUEUE_FRESH_MS });
          const ready = readySince(s, out.need, c);
          if (!isTurn(s.fair, demand, req, { now: c.now, readySince: ready })) {
            const refusal: Refusal = { ok: false, reason: "lane_budget", untilMs: ready + TURN_GRACE_MS };
            return { next: null, result: { ...refusal, tenantOnly: true } };
          }
          const active = demand?.tenants ?? [];
          const fair = charge(s.fair, { tenant: req.tenant, weight: req.weight, active }, c.now);
          return { next: { ...out.state, fair }, result: { ok: true, need: out.need } };
        },
        "reserve",
      );
      return r.ok ? { ok: true, reserved: { shared: true, need: r.need } } : r;
    },

    /**
     * After a call: its slot and the tokens it did not use go back to the lane, what the provider's headers said
     * is learned, and a 429 (`pauseMs`) pauses the lane for every executor. A call reserved in memory on a lane
     * nobody limited writes only when there is something to learn or a pause. Calls that end while a settle of
     * their lane is being written are settled together in the next write: one compare-and-set for many, and far
     * fewer lost to other executors' writes.
     */
    async settle(lane: string, req: SettleRequest): Promise<void> {
      if (!req.reserved.shared && !saysLimits(req.headers) && req.pauseMs === null) return;
      let batch = settling.get(lane);
      if (!batch) {
        batch = { waiting: [], writing: false };
        settling.set(lane, batch);
      }
      const b = batch;
      return new Promise<void>((resolve, reject) => {
        b.waiting.push({ req, resolve, reject });
        if (!b.writing) void writeSettles(lane, b);
      });
    },

    /** Every lane this executor has seen in the bucket. */
    lanes(): LaneState[] {
      const out: LaneState[] = [];
      for (const key of follow.known.keys()) {
        const s = stateOfKey(key);
        if (s) out.push({ ...s, limits: limitsInForce(configuredFor(s.lane), s.learned) });
      }
      return out;
    },

    /**
     * Keeps this executor's calls in flight counted on every shared lane: their lease moves on every third of
     * `leaseMs` (one compare-and-set per lane while it has calls there, none when idle).
     */
    renewEvery(leaseMs: number) {
      const timer = setInterval(() => {
        for (const key of follow.known.keys()) {
          const state = stateOfKey(key);
          if (!state?.calls[executorId]) continue;
          const { lane } = state;
          mutate(
            lane,
            (st) => ({ next: renewCalls(st, executorId, now() + leaseMs), result: undefined }),
            "renew",
          ).catch((err: unknown) => log.warn({ err, lane }, "calls in flight not renewed; retrying at the next tick"));
        }
      }, leaseMs / 3);
      timer.unref();
      renewing = timer;
    },

    /** Compare-and-sets this executor has written and lost (each lost one also cost a re-read). */
    casCounts: () => ({ ...cas }),

    async close() {
      if (renewing) clearInterval(renewing);
      await follow.close();
      await queues.close();
    },
  };
}
export type LaneStore = Awaited<ReturnType<typeof openLaneStore>>;
