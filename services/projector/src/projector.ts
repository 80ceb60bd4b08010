import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type Names, type ProjectedNotice, subjectsFor } from "@taskjet/events";
import { type Db, projectIsolating, readCheckpoint } from "@taskjet/read-model";
import { batchTrace, decodeStored, type Logger, type StoredEntry } from "@taskjet/runtime";

export type ProjectorDeps = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  log: Logger;
  maxBatch: number;
  /** How long a read may go without progress while behind the stream (STALL_MS; shorter in tests). */
  stallMs?: number;
};

/** After a failed batch the projector waits this long, doubling up to the maximum, before reading again. */
const RETRY_MS = { first: 250, max: 10_000 };
/**
 * A read that stops making progress while the read model is behind the stream — the ordered consumer stuck in
 * a reset, a statement or a pool checkout that never answers (each seen under heavy load) — must not stall
 * the read model or a shutdown: with no event received and no batch written for STALL_MS, whatever step it is
 * in is abandoned and the read starts again from the checkpoint. An abandoned write that lands late changes
 * nothing (rows and checkpoint only move forward). A close or a stop waits at most CLOSE_MS.
 */
const STALL_MS = 15_000;
/**
 * For a while after the ordered consumer has been remade (a NATS restart), a read silent this long while behind
 * is judged stalled: seen in a 10,000-task chaos run, a remade consumer delivered a little, then nothing until
 * STALL_MS had passed — 15 s of a stale read model after every restart.
 */
const REMADE_STALL_MS = 3_000;
const REMADE_WATCH_MS = 60_000;
const CLOSE_MS = 3_000;
/**
 * A read that stalls again at the position it stalled at before is not a passing hiccup: seen once after a NATS
 * restart, every new ordered consumer from that position delivered nothing. The next batch is then read with
 * direct gets — no consumer at all — before the consumer read is tried again.
 */
const STALLS_BEFORE_DIRECT_READ = 2;
/** The most one batch notice carries before it is split: well inside NATS's 1 MiB max_payload. */
const ANNOUNCE_BYTES = 256 * 1024;
/** Notifications of the stream read worth a line in the log: it is being remade, or cannot be. */
const LOGGED_STATUSES = new Set([
  "ordered_consumer_recreated",
  "stream_not_found",
  "consumer_not_found",
  "no_responders",
]);

/**
 * Folds every event into Postgres in strict stream order, then tells the gateways which tasks changed.
 *
 * The read model's own checkpoint is the only cursor: an ordered consumer (no acks, nothing held on the server
 * for this process) reads from the sequence after it, and each batch moves it in the same transaction as the
 * rows. A batch that fails is retried from the checkpoint, so no later event is ever applied before it, and a
 * projector that takes over after another died resumes exactly where the read model ends.
 */
export function startProjector(deps: ProjectorDeps) {
  const { nc, js, db, names, log, maxBatch } = deps;
  const stallMs = deps.stallMs ?? STALL_MS;
  const subjects = subjectsFor(names);
  const stopping = new AbortController();
  let read: AbortController | null = null;
  let retryMs = 0;
  /** What the current read is doing, for the stall warning; and the last sequence it knows is written. */
  let phase = "starting";
  let position = 0;
  let progressAt = performance.now();
  /** When the ordered consumer last said it was remade (or lost). */
  let remadeAt = Number.NEGATIVE_INFINITY;
  /** Where the read last stalled, and how many times in a row it stalled there. */
  const stalls = { at: -1, count: 0 };
  const progressed = (step: string) => {
    phase = step;
    progressAt = performance.now();
  };

  /** No progress for STALL_MS; for REMADE_WATCH_MS after the consumer was remade, for REMADE_STALL_MS. */
  const silent = () => {
    const now = performance.now();
    const limit = now - remadeAt < REMADE_WATCH_MS ? Math.min(stallMs, REMADE_STALL_MS) : stallMs;
    return now - progressAt >= limit;
  };
  const watchdog = setInterval(
    async () => {
      if (read === null || !silent()) return;
      const streamEnd = await deps.jsm.streams
        .info(names.stream)
        .then((i) => i.state.last_seq)
        .catch(() => 0);
      if (read === null || streamEnd <= position || !silent()) return;
      stalls.count = stalls.at === position ? stalls.count + 1 : 1;
      stalls.at = position;
      log.warn(
        { phase, position, streamEnd, stalls: stalls.count },
        "projection stalled; reading again from the checkpoint",
      );
      progressAt = performance.now();
      read.abort(new Error(`stalled while ${phase}`));
    },
    Math.min(stallMs / 3, 1000),
  ).unref();

  async function projectFromCheckpoint(signal: AbortSignal) {
    /** Settles with `p`, or rejects once the read is abandoned, whatever `p` is still waiting for. */
    const step = <T>(what: string, p: Promise<T>): Promise<T> => {
      phase = what;
      signal.throwIfAborted();
      return new Promise<T>((resolve, reject) => {
        const abandon = () => reject(signal.reason);
        signal.addEventListener("abort", abandon, { once: true });
        p.then(resolve, reject).finally(() => signal.removeEventListener("abort", abandon));
      });
    };
    position = (await step("reading the checkpoint", readCheckpoint(db))).seq;
    const consumer = await step(
      "opening the stream read",
      js.consumers.get(names.stream, { filter_subjects: subjects.all, opt_start_seq: position + 1 }),
    );
    const messages: ConsumerMessages = await step(
      "opening the stream read",
      consumer.consume({ max_messages: maxBatch * 2 }),
    );
    void logStatuses(messages);
    const closing = () =>
      Promise.race([messages.close().catch(() => undefined), sleep(CLOSE_MS, undefined, { ref: false })]);
    signal.addEventListener("abort", () => void closing(), { once: true });
    const events = messages[Symbol.asyncIterator]();
    try {
      let batch: StoredEntry[] = [];
      let traced = batchTrace("projector");
      progressed("waiting for events");
      for (;;) {
        const next = await step("waiting for events", events.next());
        if (next.done) break;
        const m = next.value;
        progressed("waiting for events");
        const entry = decodeStored(m);
        batch.push(entry);
        traced.add(m, "event" in entry ? entry.event : null);
        // Group commit: take what arrived while the last batch was written; flush once the server has no more.
        if (batch.length < maxBatch && m.info.pending > 0) continue;
        const projected = await step("writing a batch", projectIsolating(db, batch, log));
        position = (batch[batch.length - 1] as StoredEntry).seq;
        progressed("waiting for events");
        announce(projected);
        traced.end();
        log.debug({ events: batch.length, versions: projected.length }, "projected");
        batch = [];
        traced = batchTrace("projector");
        retryMs = 0;
      }
    } finally {
      // Ended as a for-await would end it: a close alone waits for the next read of the iterator, which is not coming.
      void events.return?.(undefined)?.catch(() => undefined);
      await closing();
    }
    signal.throwIfAborted();
    throw new Error("the stream read ended");
  }

  /**
   * Tells the gateways what the batch just committed changed: one `projected.batch` message for the batch, split
   * where it would pass ANNOUNCE_BYTES (a task's state carries its output: a batch of long replies is large).
   */
  function announce(versions: readonly ProjectedNotice[]) {
    // Each version is serialised once, for its size and its place in the message alike: the versions are the
    // fold's own, so they are not validated again on the way out (the gateways check what they read).
    let chunk: string[] = [];
    let bytes = 0;
    const send = () => {
      if (chunk.length > 0) nc.publish(subjects.projectedBatch, `{"versions":[${chunk.join(",")}]}`);
      chunk = [];
      bytes = 0;
    };
    for (const v of versions) {
      const json = JSON.stringify(v);
      if (bytes + json.length > ANNOUNCE_BYTES) send();
      chunk.push(json);
      bytes += json.length;
    }
    send();
  }

  /** Logs what the ordered consumer says of itself while it reads: a remake, a stream or consumer it cannot find. */
  async function logStatuses(messages: ConsumerMessages) {
    for await (const s of messages.status()) {
      if (LOGGED_STATUSES.has(s.type)) log.warn({ status: s }, "stream read status");
      if (s.type === "ordered_consumer_recreated" || s.type === "consumer_not_found") remadeAt = performance.now();
    }
  }

  /**
   * The stream from the checkpoint to its end read with direct gets (`next_by_subj`, so deleted sequences are
   * stepped over), no consumer involved: the way past a position from which consumers deliver nothing.
   */
  async function projectDirect(signal: AbortSignal) {
    position = (await readCheckpoint(db)).seq;
    const from = position;
    for (;;) {
      const batch: StoredEntry[] = [];
      const traced = batchTrace("projector");
      for (let seq = position + 1; batch.length < maxBatch; ) {
        signal.throwIfAborted();
        const m = await deps.jsm.direct.getMessage(names.stream, { seq, next_by_subj: subjects.all });
        if (m === null) break;
        const entry = decodeStored(m);
        batch.push(entry);
        traced.add({ headers: m.header, subject: m.subject, seq: m.seq }, "event" in entry ? entry.event : null);
        seq = m.seq + 1;
      }
      if (batch.length === 0) break;
      const projected = await projectIsolating(db, batch, log);
      position = (batch[batch.length - 1] as StoredEntry).seq;
      progressed("reading with direct gets");
      announce(projected);
      traced.end();
      if (batch.length < maxBatch) break;
    }
    log.warn({ from, to: position }, "read past a stalled position with direct gets; back to the stream read");
  }

  const done = (async () => {
    await retireDurableConsumer(deps);
    while (!stopping.signal.aborted) {
      read = new AbortController();
      progressed("starting");
      try {
        const signal = AbortSignal.any([read.signal, stopping.signal]);
        if (stalls.count >= STALLS_BEFORE_DIRECT_READ) {
          stalls.count = 0;
          await projectDirect(signal);
          continue;
        }
        await projectFromCheckpoint(signal);
      } catch (err) {
        if (stopping.signal.aborted) break;
        retryMs = Math.min(RETRY_MS.max, retryMs === 0 ? RETRY_MS.first : retryMs * 2);
        log.error({ err, retryInMs: retryMs }, "projection failed; resuming from the checkpoint");
        await sleep(retryMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      } finally {
        read = null;
      }
    }
  })();

  return {
    async stop() {
      stopping.abort(new Error("stopping"));
      clearInterval(watchdog);
      const stopped = await Promise.race([done.then(() => true), sleep(CLOSE_MS, false, { ref: false })]);
      if (!stopped) log.warn({ phase }, "the stream read did not end on stop; stopping without it");
    },
  };
}

/**
 * Projectors before the checkpoint-driven read used a durable consumer, `<prefix>projector`; nothing reads it
 * any more, and left alone it would keep the server tracking every event for it.
 */
async function retireDurableConsumer({ jsm, names, log }: ProjectorDeps) {
  const durable = `${names.consumerPrefix}projector`;
  const gone = await jsm.consumers.delete(names.stream, durable).catch(() => false);
  if (gone) log.info({ durable }, "deleted the durable consumer earlier projectors used");
}
