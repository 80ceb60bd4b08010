import { countInFlight, type Db } from "@taskjet/read-model";

/** A task this gateway accepted is looked for in the read model for this long; after, it counts only from there. */
const RECENT_MS = 60_000;

type TenantCount = {
  /** In flight per the read model (plus this gateway's accepted tasks it has no row for yet), at `at`. */
  counted: number;
  at: number;
  /** Tasks accepted here since the count was asked for (all time, and at the moment of asking). */
  accepted: number;
  acceptedAtCount: number;
  /** Submits checked and not yet answered: counted until they are. */
  reserved: number;
  recent: Map<string, number>;
  refreshing: Promise<void> | null;
};

export type Reservation = { release(acceptedTaskIds: readonly string[]): void };

/**
 * Tasks in flight per tenant, from the read model, cached `cacheMs` per tenant on each gateway. Between reads
 * the gateway adds what it accepted itself and the submits it is answering, so one gateway never admits more
 * than the limit. Error bounds: another gateway's acceptances are seen once projected and re-read, so a
 * tenant may exceed its limit by what the other gateways accept within (projector lag + cacheMs); a task that
 * finished is still counted for that long, refusing early by as much.
 */
export function inFlightQuota(db: Db, cacheMs: number, nowMs: () => number = Date.now) {
  const tenants = new Map<string, TenantCount>();

  function stateOf(tenant: string): TenantCount {
    let s = tenants.get(tenant);
    if (!s) {
      s = {
        counted: 0,
        at: -Infinity,
        accepted: 0,
        acceptedAtCount: 0,
        reserved: 0,
        recent: new Map(),
        refreshing: null,
      };
      tenants.set(tenant, s);
    }
    return s;
  }

  function refresh(tenant: string, s: TenantCount): Promise<void> {
    if (s.refreshing) return s.refreshing;
    const at = nowMs();
    const acceptedAtCount = s.accepted;
    for (const [id, t] of s.recent) if (at - t > RECENT_MS) s.recent.delete(id);
    s.refreshing = countInFlight(db, tenant, [...s.recent.keys()])
      .then(({ count, projected }) => {
        for (const id of projected) s.recent.delete(id);
        Object.assign(s, { counted: count, at, acceptedAtCount });
      })
      .finally(() => {
        s.refreshing = null;
      });
    return s.refreshing;
  }

  return {
    /**
     * Counts `count` more tasks for the tenant if that stays within `limit`; the caller releases the
     * reservation with the ids of the tasks that were accepted (none when the request failed).
     */
    async reserve(
      tenant: string,
      limit: number,
      count = 1,
    ): Promise<{ ok: true; reservation: Reservation; inFlight: number } | { ok: false; inFlight: number }> {
      const s = stateOf(tenant);
      if (nowMs() - s.at >= cacheMs) await refresh(tenant, s);
      const inFlight = s.counted + (s.accepted - s.acceptedAtCount) + s.reserved;
      if (inFlight + count > limit) return { ok: false, inFlight };
      s.reserved += count;
      let released = false;
      const reservation: Reservation = {
        release(acceptedTaskIds) {
          if (released) return;
          released = true;
          s.reserved -= count;
          s.accepted += acceptedTaskIds.length;
          for (const id of acceptedTaskIds) s.recent.set(id, nowMs());
        },
      };
      return { ok: true, reservation, inFlight: inFlight + count };
    },
  };
}

export type InFlightQuota = ReturnType<typeof inFlightQuota>;
