import type { JetStreamClient } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { Names } from "@taskjet/events";
import type { Config } from "./config.ts";

/**
 * Opens (creating when missing) one of the deployment's KV buckets: `<kvPrefix>_<purpose>`; `ttlMs` bounds how
 * long an entry is kept (a cache).
 */
export async function openBucket(
  js: JetStreamClient,
  names: Names,
  purpose: string,
  config: Pick<Config, "STREAM_REPLICAS">,
  opts: { ttlMs?: number } = {},
): Promise<KV> {
  return new Kvm(js).create(`${names.kvPrefix}_${purpose}`, {
    history: 1,
    replicas: config.STREAM_REPLICAS,
    ...(opts.ttlMs === undefined ? {} : { ttl: opts.ttlMs }),
  });
}

/** The API error NATS gives a compare-and-set that lost the race (wrong last sequence). */
export function isCasConflict(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string } | null;
  return e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? "");
}

/**
 * The keys a bucket holds now (deleted ones too: read each and skip what is gone), from one stream-info request
 * with a subjects filter: no consumer. `kv.keys()` reads with a consumer until nothing is pending, which a key
 * written every second (a schedule's entry as it fires) can keep from ever happening.
 */
export async function bucketKeys(js: JetStreamClient, bucket: string): Promise<string[]> {
  const jsm = await js.jetstreamManager();
  const prefix = `$KV.${bucket}.`;
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` });
  return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
}
