import type { Priority } from "@taskjet/events";

/** A task an executor holds until admission lets it run. */
export type Held = { id: string; lane: string; tenant: string; priority: Priority; heldAt: number };

const RANK: Record<Priority, 0 | 1 | 2> = { low: 0, normal: 1, high: 2 };
const TOP = RANK.high;

/** Its priority, one level higher for every `agingMs` it has waited, never above `high`: low is never starved. */
export function effectiveRank(task: Pick<Held, "priority" | "heldAt">, now: number, agingMs: number): number {
  return Math.min(TOP, RANK[task.priority] + Math.floor(Math.max(0, now - task.heldAt) / agingMs));
}

type TenantQueue<T> = {
  /** FIFO per priority (insertion order of a Map: O(1) add, remove and head). */
  byRank: [Map<string, T>, Map<string, T>, Map<string, T>];
  /** Its virtual time: 1/weight added per task admitted. The tenant with the lowest goes next. */
  pass: number;
};
type LaneQueue<T> = { tenants: Map<string, TenantQueue<T>>; vtime: number };

/**
 * The order admission takes held tasks in. Highest effective priority first (aging included). Within one
 * priority, tenants share a lane by weight: each tenant has a pass that grows by 1/weight with every task it is
 * given, and the lowest pass goes next — deficit round-robin with a quantum of one task, which admission needs
 * since it takes one task at a time; a tenant that was idle joins at the lane's current virtual time, so it
 * gets its share from now on, not a burst for the time it was away. Within a tenant, FIFO.
 * Cost per pick: lanes × tenants × 3, independent of how many tasks are held.
 */
export class AdmissionQueue<T extends Held> {
  readonly #lanes = new Map<string, LaneQueue<T>>();
  readonly #byId = new Map<string, T>();

  readonly #opts: { agingMs: number; weightOf: (tenant: string) => number };

  constructor(opts: { agingMs: number; weightOf: (tenant: string) => number }) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#byId.size;
  }

  values(): IterableIterator<T> {
    return this.#byId.values();
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  add(task: T): void {
    if (this.#byId.has(task.id)) return;
    let lane = this.#lanes.get(task.lane);
    if (!lane) {
      lane = { tenants: new Map(), vtime: 0 };
      this.#lanes.set(task.lane, lane);
    }
    let tenant = lane.tenants.get(task.tenant);
    if (!tenant) {
      tenant = { byRank: [new Map(), new Map(), new Map()], pass: lane.vtime };
      lane.tenants.set(task.tenant, tenant);
    }
    tenant.byRank[RANK[task.priority]].set(task.id, task);
    this.#byId.set(task.id, task);
  }

  /** Drops a task (cancelled, handed back); true when it was held. */
  remove(id: string): boolean {
    const task = this.#byId.get(id);
    if (!task) return false;
    this.#byId.delete(id);
    const lane = this.#lanes.get(task.lane);
    const tenant = lane?.tenants.get(task.tenant);
    if (!lane || !tenant) return true;
    tenant.byRank[RANK[task.priority]].delete(id);
    if (tenant.byRank.every((q) => q.size === 0)) lane.tenants.delete(task.tenant);
    if (lane.tenants.size === 0) this.#lanes.delete(task.lane);
    return true;
  }

  /** Takes the task `next` chose: removes it and charges its tenant. */
  take(task: T): void {
    const lane = this.#lanes.get(task.lane);
    const tenant = lane?.tenants.get(task.tenant);
    if (lane && tenant) {
      lane.vtime = Math.max(lane.vtime, tenant.pass);
      tenant.pass += 1 / Math.max(1e-6, this.#opts.weightOf(task.tenant));
    }
    this.remove(task.id);
  }

  /**
   * The task to admit next, or null. `open(lane, tenant)` says whether that lane can take a task from that
   * tenant now (a lane out of budget or paused, a tenant at its cap or over its spend, are skipped).
   */
  next(now: number, open: (lane: string, tenant: string) => boolean): T | null {
    let best: { task: T; rank: number; pass: number } | null = null;
    for (const [laneName, lane] of this.#lanes) {
      for (const [tenantName, tenant] of lane.tenants) {
        if (!open(laneName, tenantName)) continue;
        const head = this.#headOf(tenant, now);
        if (!head) continue;
        if (best === null || better(head, tenant.pass, best)) best = { ...head, pass: tenant.pass };
      }
    }
    return best?.task ?? null;
  }

  /**
   * What this executor wants of a lane next: the highest effective rank its held tasks there have, and the
   * tenants with a task at it (`include` leaves out tenants held back by something else than the lane).
   */
  demand(lane: string, now: number, include: (tenant: string) => boolean): { rank: number; tenants: string[] } | null {
    const q = this.#lanes.get(lane);
    if (!q) return null;
    let rank = -1;
    let tenants: string[] = [];
    for (const [name, tenant] of q.tenants) {
      if (!include(name)) continue;
      const head = this.#headOf(tenant, now);
      if (!head || head.rank < rank) continue;
      if (head.rank > rank) {
        rank = head.rank;
        tenants = [];
      }
      tenants.push(name);
    }
    return rank < 0 ? null : { rank, tenants };
  }

  /** A tenant's best task: the oldest of the highest effective rank among its FIFOs' heads. */
  #headOf(tenant: TenantQueue<T>, now: number): { task: T; rank: number } | null {
    let head: { task: T; rank: number } | null = null;
    for (const fifo of tenant.byRank) {
      const first = fifo.values().next();
      if (first.done) continue;
      const rank = effectiveRank(first.value, now, this.#opts.agingMs);
      if (head === null || rank > head.rank || (rank === head.rank && first.value.heldAt < head.task.heldAt)) {
        head = { task: first.value, rank };
      }
    }
    return head;
  }
}

/** Higher rank first; then the lower pass (fair share); then the older task. */
function better(c: { task: Held; rank: number }, pass: number, best: { task: Held; rank: number; pass: number }) {
  if (c.rank !== best.rank) return c.rank > best.rank;
  if (Math.abs(pass - best.pass) > 1e-9) return pass < best.pass;
  return c.task.heldAt < best.task.heldAt;
}
