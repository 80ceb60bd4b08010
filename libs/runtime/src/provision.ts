import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { type Names, subjectsFor } from "@taskjet/events";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

export class ProvisioningError extends Error {
  override name = "ProvisioningError";
}

const DUPLICATE_WINDOW_MS = 120_000;

export function tasksStreamConfig(names: Names, config: Pick<Config, "STREAM_MAX_AGE_SECONDS" | "STREAM_REPLICAS">) {
  return {
    name: names.stream,
    subjects: [subjectsFor(names).all],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    allow_direct: true,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(config.STREAM_MAX_AGE_SECONDS * 1000),
    num_replicas: config.STREAM_REPLICAS,
  } satisfies Partial<StreamConfig>;
}

export function outputStreamConfig(names: Names, config: Pick<Config, "OUTPUT_MAX_AGE_SECONDS" | "STREAM_REPLICAS">) {
  const maxAgeMs = config.OUTPUT_MAX_AGE_SECONDS * 1000;
  return {
    name: names.outputStream,
    subjects: [subjectsFor(names).allOutput],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    allow_direct: true,
    duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, maxAgeMs)),
    max_age: nanos(maxAgeMs),
    num_replicas: config.STREAM_REPLICAS,
  } satisfies Partial<StreamConfig>;
}

/**
 * Outbound webhook deliveries: a work queue (a message leaves once delivered or given up), so the first message
 * on a subject is the oldest delivery still pending for that target and task — what keeps them in order.
 */
export function webhooksStreamConfig(names: Names, config: Pick<Config, "STREAM_REPLICAS">) {
  return {
    name: names.webhookStream,
    subjects: [subjectsFor(names).allWebhooks],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.Old,
    allow_direct: true,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: config.STREAM_REPLICAS,
  } satisfies Partial<StreamConfig>;
}

/** Creates or updates a stream, then checks the server kept every setting asked for. */
export async function ensureStream(jsm: JetStreamManager, want: Partial<StreamConfig> & { name: string }, log: Logger) {
  const exists = await jsm.streams.info(want.name).then(
    () => true,
    (err: Error) => {
      if (/not found/i.test(err.message)) return false;
      throw err;
    },
  );
  const info = exists ? await jsm.streams.update(want.name, want) : await jsm.streams.add(want);
  assertKept(`stream ${want.name}`, want, info.config);
  log.debug({ stream: want.name, created: !exists }, "stream ready");
  return info;
}

export type WorkConsumer = {
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxAckPending?: number;
};

/**
 * A durable pull consumer with explicit acks. `max_deliver: -1` because redeliveries are how retries and
 * timers work here; no consumer-level `backoff` (the server would replace `ack_wait` with it).
 */
export function workConsumerConfig(c: WorkConsumer) {
  return {
    durable_name: c.durable,
    filter_subject: c.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(c.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: c.maxAckPending ?? 10_000,
  } satisfies Partial<ConsumerConfig>;
}

export async function ensureConsumer(jsm: JetStreamManager, stream: string, want: WorkConsumer, log: Logger) {
  const cfg = workConsumerConfig(want);
  const exists = await jsm.consumers.info(stream, want.durable).then(
    () => true,
    (err: Error) => {
      if (/not found/i.test(err.message)) return false;
      throw err;
    },
  );
  const info = exists ? await jsm.consumers.update(stream, want.durable, cfg) : await jsm.consumers.add(stream, cfg);
  assertKept(`consumer ${stream}/${want.durable}`, cfg, info.config);
  log.debug({ stream, consumer: want.durable, created: !exists }, "consumer ready");
  return info;
}

/** NATS 2.9 accepts some settings it does not know and drops them; we would rather not start. */
function assertKept(what: string, want: object, got: object) {
  const gotRecord = got as Record<string, unknown>;
  const dropped = Object.entries(want).filter(([k, v]) => JSON.stringify(gotRecord[k]) !== JSON.stringify(v));
  if (dropped.length > 0) {
    const detail = dropped.map(([k, v]) => `${k}: asked ${JSON.stringify(v)}, got ${JSON.stringify(gotRecord[k])}`);
    throw new ProvisioningError(`${what} does not have the settings asked for (${detail.join("; ")})`);
  }
}

/** Deletes a namespace's streams and KV buckets (tests and benchmarks clean up after themselves). */
export async function deleteNamespaceStreams(jsm: JetStreamManager, names: Names) {
  const streams = [names.stream, names.outputStream, names.webhookStream];
  for await (const name of jsm.streams.names()) {
    // Its KV buckets and its object store (claim-checked bodies) are streams too.
    if (name.startsWith(`KV_${names.kvPrefix}_`) || name.startsWith(`OBJ_${names.kvPrefix}_`)) streams.push(name);
  }
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
}
