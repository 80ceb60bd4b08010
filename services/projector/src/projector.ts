import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { encodeMessage, type Names, ProjectedNotice, subjectsFor } from "@taskjet/events";
import { type Db, projectIsolating, readCheckpoint } from "@taskjet/read-model";
import { decodeStored, type Logger, type StoredEntry } from "@taskjet/runtime";

export type ProjectorDeps = {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  db: Db;
  names: Names;
  log: Logger;
  maxBatch: number;
};

/** After a failed batch the projector waits this long, doubling up to the maximum, before reading again. */
const RETRY_MS = { first: 250, max: 10_000 };
/**
 * A read of the stream that stalls — the ordered consumer stuck in a reset (seen under heavy load), its
 * close never answering — must not stall the read model or a shutdown: behind the stream with nothing
 * received for STALL_MS, the read is dropped and started again from the checkpoint; a close or a stop waits
 * at most CLOSE_MS for it.
 */
const STALL_MS = 15_000;
const CLOSE_MS = 3_000;

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
  const subjects = subjectsFor(names);
  const stopping = new AbortController();
  let messages: ConsumerMessages | null = null;
  let retryMs = 0;
  let receivedAt = performance.now();

  async function closeMessages() {
    const closing = messages?.close().catch(() => undefined);
    messages = null;
    await Promise.race([closing, sleep(CLOSE_MS, undefined, { ref: false })]);
  }

  const watchdog = setInterval(async () => {
    if (messages === null || performance.now() - receivedAt < STALL_MS) return;
    const [end, checkpoint] = await Promise.all([
      deps.jsm.streams.info(names.stream).then((i) => i.state.last_seq),
      readCheckpoint(db).then((c) => c.seq),
    ]).catch(() => [0, 0]);
    if (end <= checkpoint || performance.now() - receivedAt < STALL_MS) return;
    log.warn({ checkpoint, streamEnd: end }, "stream read stalled; reading again from the checkpoint");
    receivedAt = performance.now();
    void closeMessages();
  }, STALL_MS / 3).unref();

  async function projectFromCheckpoint() {
    const from = (await readCheckpoint(db)).seq + 1;
    const consumer = await js.consumers.get(names.stream, { filter_subjects: subjects.all, opt_start_seq: from });
    messages = await consumer.consume({ max_messages: maxBatch * 2 });
    // Stopped meanwhile: closing ends the loop below (awaiting it here would wait for that loop for ever).
    if (stopping.signal.aborted) void messages.close();
    let batch: StoredEntry[] = [];
    receivedAt = performance.now();
    for await (const m of messages) {
      receivedAt = performance.now();
      batch.push(decodeStored(m));
      // Group commit: take what arrived while the last batch was written; flush once the server has no more.
      if (batch.length < maxBatch && m.info.pending > 0) continue;
      const projected = await projectIsolating(db, batch, log);
      for (const p of projected) nc.publish(subjects.projected(p.taskId), encodeMessage(ProjectedNotice, p));
      log.debug({ events: batch.length, versions: projected.length }, "projected");
      batch = [];
      retryMs = 0;
    }
    if (!stopping.signal.aborted) throw new Error("the stream read ended");
  }

  const done = (async () => {
    await retireDurableConsumer(deps);
    while (!stopping.signal.aborted) {
      try {
        await projectFromCheckpoint();
      } catch (err) {
        if (stopping.signal.aborted) break;
        retryMs = Math.min(RETRY_MS.max, retryMs === 0 ? RETRY_MS.first : retryMs * 2);
        log.error({ err, retryInMs: retryMs }, "projection failed; resuming from the checkpoint");
        await sleep(retryMs, undefined, { signal: stopping.signal }).catch(() => undefined);
      } finally {
        await closeMessages();
      }
    }
  })();

  return {
    async stop() {
      stopping.abort();
      clearInterval(watchdog);
      await closeMessages();
      const stopped = await Promise.race([done.then(() => true), sleep(CLOSE_MS, false, { ref: false })]);
      if (!stopped) log.warn("the stream read did not end on close; stopping without it");
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
