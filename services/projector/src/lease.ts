import type { KV } from "@nats-io/kv";
import { isCasConflict, type Logger } from "@taskjet/runtime";

const KEY = "projector";

type Held = { holder: string };

/**
 * One active projector at a time: a lease in NATS KV, taken and renewed only by compare-and-set. A standby
 * takes it when the holder has not renewed for `ttlMs` (judged by the entry's server timestamp, since NATS 2.9
 * has no per-key TTL). The holder that fails to renew has lost it and must stop writing.
 */
export function projectorLease(kv: KV, holder: string, opts: { ttlMs: number; log: Logger; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const value = JSON.stringify({ holder } satisfies Held);
  let revision = 0;

  async function tryAcquire(): Promise<boolean> {
    const entry = await kv.get(KEY);
    try {
      if (entry?.operation !== "PUT") {
        revision = await kv.create(KEY, value);
        return true;
      }
      const held = entry.json<Held>();
      const stale = now() - entry.created.getTime() > opts.ttlMs;
      if (held.holder !== holder && !stale) return false;
      revision = await kv.update(KEY, value, entry.revision);
      if (held.holder !== holder) opts.log.warn({ previous: held.holder }, "took over a lapsed projector lease");
      return true;
    } catch (err) {
      if (isCasConflict(err)) return false;
      throw err;
    }
  }

  return {
    /** Resolves once this process holds the lease; meanwhile it is the standby. */
    async acquire(signal: AbortSignal, pollMs: number): Promise<boolean> {
      let announced = false;
      while (!signal.aborted) {
        if (await tryAcquire()) return true;
        if (!announced) {
          opts.log.info("standby: another projector holds the lease");
          announced = true;
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
      return false;
    },
    /** Renews the lease; false means another process took it. */
    async renew(): Promise<boolean> {
      try {
        revision = await kv.update(KEY, value, revision);
        return true;
      } catch (err) {
        if (isCasConflict(err)) return false;
        throw err;
      }
    },
    async release(): Promise<void> {
      await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
    },
  };
}
