import { type ExecutorQueue, type LaneFairness, NO_FAIRNESS } from "@taskjet/events";

/**
 * One order across every executor of a lane. Each executor orders what it holds (queue.ts), but the lane's
 * budget is shared: without more, whichever executor asks first gets the next call, so a `high` task held by
 * one executor waits behind the `normal` ones of the others, and a tenant whose work sits on one executor gets
 * a third of the lane against a tenant spread over three. So each executor publishes its *demand* on a lane
 * (the highest rank it waits with, and the tenants waiting at it: in its queue snapshot), every executor reads
 * all of them, and a reservation goes through only when it is that task's turn lane-wide: nobody waits at a
 * higher rank, and its tenant has had no more than its share (the lowest pass) among the tenants waiting at
 * that rank. Passes live in the lane's state, moved by the same compare-and-set that takes the budget.
 */

/** What one executor, or all of them, want of a lane next. */
export type Demand = { rank: number; tenants: readonly string[] };

/** A turn nobody takes (its executor busy, slow or gone) stops being waited for after this long. */
export const TURN_GRACE_MS = 300;

/** The lane's demand across executors: the highest rank any waits with, and every tenant waiting at it. */
export function laneDemand(
  lane: string,
  own: Demand | null,
  others: Iterable<ExecutorQueue>,
  { now, freshMs }: { now: number; freshMs: number },
): Demand | null {
  let rank = own?.rank ?? -1;
  let tenants = new Set(own?.tenants ?? []);
  for (const q of others) {
    if (now - q.at > freshMs) continue;
    const d = q.lanes[lane]?.demand;
    if (!d || d.tenants.length === 0 || d.rank < rank) continue;
    if (d.rank > rank) {
      rank = d.rank;
      tenants = new Set();
    }
    for (const t of d.tenants) tenants.add(t);
  }
  return rank < 0 ? null : { rank, tenants: [...tenants] };
}

/** Where a tenant stands on the lane; one that was idle rejoins at the lane's virtual time, with no credit. */
export function passOf(fair: LaneFairness, tenant: string): number {
  return Math.max(fair.pass[tenant] ?? fair.vtime, fair.vtime);
}

const EPSILON = 1e-9;

/**
 * Whether a call for `tenant` at `rank` may take the lane now. `readySince` is when the lane had room for it
 * (its buckets refilled that far, or its last grant): past `TURN_GRACE_MS` after it, a turn someone else does
 * not take is no reason for the lane to sit idle.
 */
export function isTurn(
  fair: LaneFairness | undefined,
  demand: Demand | null,
  req: { tenant: string; rank: number },
  { now, readySince }: { now: number; readySince: number },
): boolean {
  if (demand === null || now - readySince > TURN_GRACE_MS) return true;
  if (req.rank < demand.rank) return false;
  const f = fair ?? NO_FAIRNESS;
  const mine = passOf(f, req.tenant);
  return demand.tenants.every((t) => t === req.tenant || mine <= passOf(f, t) + EPSILON);
}

/**
 * Charges one call to `tenant`: its pass moves on by 1/weight. The lane's virtual time is the lowest pass among
 * the tenants still waiting (`active`, the lane's demand), so one that was idle rejoins level with them.
 */
export function charge(
  fair: LaneFairness | undefined,
  req: { tenant: string; weight: number; active: readonly string[] },
  now: number,
): LaneFairness {
  const f = fair ?? NO_FAIRNESS;
  const charged = passOf(f, req.tenant) + 1 / Math.max(req.weight, 1e-6);
  const after = (t: string) => (t === req.tenant ? charged : passOf(f, t));
  const vtime = Math.max(f.vtime, Math.min(charged, ...req.active.map(after)));
  // A pass at or behind the virtual time says nothing passOf would not: dropped, so the map holds only the
  // tenants ahead, however many come and go.
  const pass: Record<string, number> = {};
  for (const [t, p] of Object.entries({ ...f.pass, [req.tenant]: charged })) if (p > vtime + EPSILON) pass[t] = p;
  return { vtime, pass, lastGrantAt: now };
}
