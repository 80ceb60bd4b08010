import { setTimeout as sleep } from "node:timers/promises";
import type { KV } from "@nats-io/kv";
import { decodeMessage, encodeMessage, ProjectorLease } from "@taskjet/events";
import { isCasConflict, type Logger } from "@taskjet/runtime";

const KEY = "projector";

/** Why a holder stopped holding: another process took the lease, or it could not renew it within the TTL. */
export type LeaseEnd = "taken" | "lapsed" | "stopped";

/**
 * One active projector at a time: a lease in NATS KV, taken and renewed only by compare-and-set. A standby
 * takes it when the holder has not renewed for `ttlMs` (judged by the entry's server timestamp, since NATS 2.9
 * has no per-key TTL). The holder that fails to renew has lost it and must stop writing. NATS being away (a
 * restart) is waited out: the standby keeps polling, the holder keeps renewing until its TTL runs out.
 */
export function projectorLease(kv: KV, holder: string, opts: { ttlMs: number; log: Logger; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const value = encodeMessage(ProjectorLease, { holder });
  let revision = 0;
  /** When the last write that took or renewed the lease was sent: the server stamped it no earlier. */
  let writtenAt = 0;

  /** Takes the lease when it is free, lapsed or already ours (a renewal whose reply was lost included). */
  async function tryAcquire(): Promise<boolean> {
    const entry = await kv.get(KEY);
    try {
      const sentAt = now();
      if (entry?.operation !== "PUT") {
        revision = await kv.create(KEY, value);
        writtenAt = sentAt;
        return true;
      }
      const read = decodeMessage(ProjectorLease, entry.value);
      // An unreadable lease names nobody: it is taken like a lapsed one, once its TTL has passed.
      const held = read.ok ? read.message : { holder: "(unreadable)" };
      const stale = now() - entry.created.getTime() > opts.ttlMs;
      if (held.holder !== holder && !stale) return false;
      revision = await kv.update(KEY, value, entry.revision);
      writtenAt = sentAt;
      if (held.holder !== holder) opts.log.warn({ previous: held.holder }, "took over a lapsed projector lease");
      return true;
    } catch (err) {
      if (isCasConflict(err)) return false;
      throw err;
    }
  }

  /** Renews the lease; false means another process took it. */
  async function renew(): Promise<boolean> {
    const sentAt = now();
    try {
      revision = await kv.update(KEY, value, revision);
      writtenAt = sentAt;
      return true;
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      // A renewal that reached the server but whose reply was lost (NATS restarting) moved the revision on:
      // the lease is still ours if the entry says so.
      return tryAcquire();
    }
  }

  return {
    /** Resolves true once this process holds the lease (false when aborted first); meanwhile it is the standby. */
    async acquire(signal: AbortSignal, pollMs: number): Promise<boolean> {
      let announced = false;
      let failing = false;
      while (!signal.aborted) {
        try {
          if (await tryAcquire()) return true;
          if (failing) opts.log.info("NATS answers again; still standby");
          failing = false;
          if (!announced) opts.log.info("standby: another projector holds the lease");
          announced = true;
        } catch (err) {
          if (!failing) opts.log.warn({ err: { message: (err as Error).message } }, "cannot read the lease; retrying");
          failing = true;
        }
        await sleep(pollMs, undefined, { signal }).catch(() => undefined); // woken early by a stop
      }
      return false;
    },
    /**
     * Renews every `intervalMs` while held. Resolves when it is not held any more: "taken" by another process,
     * "lapsed" when no renewal got through for the TTL (a standby may have it by now: stop writing), "stopped"
     * when aborted. A renewal counts from when it was sent, so the holder gives up no later than a standby,
     * judging by the server's timestamp of that write, may take over.
     */
    hold(signal: AbortSignal, intervalMs: number): Promise<LeaseEnd> {
      return new Promise((resolve) => {
        let renewing = false;
        let attemptedAt = now();
        const finish = (end: LeaseEnd) => {
          clearInterval(tick);
          resolve(end);
        };
        const tick = setInterval(
          () => {
            if (now() - writtenAt >= opts.ttlMs) return finish("lapsed");
            if (renewing || now() - attemptedAt < intervalMs) return;
            renewing = true;
            attemptedAt = now();
            renew()
              .then(
                (held) => {
                  if (!held) finish("taken");
                },
                (err: Error) => {
                  opts.log.warn(
                    { err: { message: err.message }, sinceMs: now() - writtenAt },
                    "lease renewal failed; retrying",
                  );
                },
              )
              .finally(() => {
                renewing = false;
              });
          },
          Math.max(10, Math.min(intervalMs, opts.ttlMs / 10)),
        );
        if (signal.aborted) finish("stopped");
        signal.addEventListener("abort", () => finish("stopped"), { once: true });
      });
    },
    async release(): Promise<void> {
      await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
    },
  };
}

export type Lease = ReturnType<typeof projectorLease>;

/**
 * The active/standby cycle: waits for the lease, runs `start`, and when the lease is lost (taken, or not
 * renewable for its TTL because NATS is away) stops what `start` returned and goes back to waiting. A failure
 * to start releases the lease and tries again. Resolves once `signal` aborts and the work has stopped.
 */
export async function whileHoldingLease(
  lease: Lease,
  signal: AbortSignal,
  opts: { ttlMs: number; log: Logger },
  start: () => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
  const { ttlMs, log } = opts;
  while (await lease.acquire(signal, ttlMs / 5)) {
    let work: { stop(): Promise<void> };
    try {
      work = await start();
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, "cannot start projecting; standing by to retry");
      await lease.release();
      await new Promise((r) => setTimeout(r, ttlMs / 5));
      continue;
    }
    const end = await lease.hold(signal, ttlMs / 3);
    if (end === "stopped") {
      await work.stop();
      return;
    }
    log.error({ end }, "lost the projector lease; stopping writes and standing by");
    // Writing on after the lease has gone would race a new holder: give up the process rather than wait long.
    const tooLong = setTimeout(() => {
      log.fatal("projector did not stop within the lease TTL after losing the lease; exiting");
      process.exit(1);
    }, ttlMs);
    await work.stop();
    clearTimeout(tooLong);
  }
}
