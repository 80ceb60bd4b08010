import type { NatsConnection } from "@nats-io/transport-node";
import type { FastifyBaseLogger } from "fastify";
import type { KeyRecord } from "./record.ts";
import { decodeEntry, type KeyStore } from "./store.ts";

/** Between attempts to restart a watch that stopped while connected: doubling, at most the second figure. */
const RESTART_MS = [100, 5000] as const;

/** One record as the bucket holds it at `revision` (null: none); `readAt` when it was read rather than watched. */
export type ApplyKey = (id: string, revision: number, record: KeyRecord | null, readAt?: number) => void;

/**
 * Feeds `apply` every change to the keys bucket through a KV watch, after reading the bucket whole, and keeps
 * it doing so: a watch that ends or fails is started again (backing off), and a disconnect stops it and
 * starts a new one as soon as the connection is back — a server restart loses the watch's consumer, and the
 * client's own recovery waits for missed heartbeats (ten seconds and more). Each new watch reads the bucket
 * again, since what changed while it was down is not replayed. `state()` says whether changes are delivered
 * now and, when not, since when.
 */
export async function followKeys(
  store: KeyStore,
  apply: ApplyKey,
  opts: { log: FastifyBaseLogger; now: () => Date; nc?: Pick<NatsConnection, "status"> | undefined },
) {
  /** Whether a watch is delivering changes; when not, since when it is not. */
  let live = false;
  let downSince = 0;
  let connected = true;
  let closed = false;
  let watch: Awaited<ReturnType<KeyStore["kv"]["watch"]>> | null = null;
  /** Wakes the restart loop early: the connection came back, or the follower is closing. */
  let wake: () => void = () => undefined;

  const markDown = (why: string, err?: unknown) => {
    if (!live || closed) return;
    live = false;
    downSince = opts.now().getTime();
    opts.log.warn({ err, why }, "the keys watch stopped: cached keys are re-read after a second until it is back");
  };

  // The watch starts first, then the bucket is read whole: nothing changed in between can be missed, and
  // revisions keep an older value from replacing a newer one. Done again whenever the watch stops, since
  // what changed while it was down is not replayed.
  const stopWatch = () => watch?.stop();
  async function startWatch() {
    const w = await store.kv.watch({ include: "updates" });
    watch = w;
    if (closed) w.stop();
    const readAt = opts.now().getTime();
    try {
      for await (const id of await store.kv.keys()) {
        const e = await store.kv.get(id);
        if (e) apply(id, e.revision, decodeEntry(e), readAt);
      }
    } catch (err) {
      w.stop();
      throw err;
    }
    return w;
  }

  async function follow(first: Awaited<ReturnType<typeof startWatch>>) {
    let w: typeof first | null = first;
    for (let attempt = 0; !closed; ) {
      if (w !== null) {
        live = true;
        attempt = 0;
        try {
          for await (const e of w) apply(e.key, e.revision, decodeEntry(e));
          markDown("ended");
        } catch (err) {
          markDown("failed", err);
        }
        w = null;
      }
      if (closed) break;
      // Disconnected: the next attempt is made when the connection is back; else after a growing pause.
      const pause = connected ? Math.min(RESTART_MS[0] * 2 ** attempt++, RESTART_MS[1]) : 2 ** 31 - 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (closed) break;
      try {
        w = await startWatch();
        opts.log.info("the keys watch is back");
      } catch (err) {
        opts.log.warn({ err }, "the keys watch could not be restarted; trying again");
      }
    }
  }

  const first = await startWatch();
  // A server restart loses the watch's consumer: on a disconnect the watch is stopped and counted as down,
  // and a new one starts as soon as the connection is back (the client's own recovery waits for missed
  // heartbeats, ten seconds and more). The status loop ends with the connection.
  if (opts.nc) {
    const statuses = opts.nc.status();
    void (async () => {
      for await (const s of statuses) {
        if (closed) break;
        if (s.type === "disconnect") {
          connected = false;
          markDown("disconnected");
          stopWatch();
        } else if (s.type === "reconnect") {
          connected = true;
          wake();
        }
      }
    })().catch((err: unknown) => opts.log.warn({ err }, "connection status not followed"));
  }
  const following = follow(first).catch((err: unknown) => opts.log.error({ err }, "the keys watch stopped for good"));

  return {
    state: () => ({ live, downSince, connected }),
    async close() {
      closed = true;
      stopWatch();
      wake();
      await following;
    },
  };
}
