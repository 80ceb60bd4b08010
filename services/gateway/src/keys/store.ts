import type { JetStreamClient } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import type { Names } from "@taskjet/events";
import { type Config, isCasConflict, openBucket } from "@taskjet/runtime";
import type { Scope } from "../principal.ts";
import { generateKey, hashKey, KeyRecord, keyIdOf } from "./record.ts";

export type NewKey = {
  tenant: string;
  scopes: readonly Scope[];
  name?: string | undefined;
  expiresAt?: string | undefined;
  limits?: { requestsPerSecond?: number | undefined; tasksInFlight?: number | undefined } | undefined;
};

/** What the bucket holds under a key id: the record, or null for none (or one that does not decode). */
export function decodeEntry(e: KvEntry | null): KeyRecord | null {
  if (e === null || e.operation !== "PUT") return null;
  const parsed = KeyRecord.safeParse(e.json());
  return parsed.success ? parsed.data : null;
}

/**
 * API keys in the NATS KV bucket `<kvPrefix>_keys`, one entry per key id. Every gateway already depends on
 * NATS, a KV watch tells every gateway about a change within milliseconds (see `watchKeys`), and compare-and-set
 * keeps a revocation from being overwritten by a concurrent last-used write.
 */
export function keyStore(kv: KV) {
  /** Changes a record with compare-and-set, reading it again on a conflict; null when there is no such key. */
  async function change(id: string, edit: (r: KeyRecord) => KeyRecord | null): Promise<KeyRecord | null> {
    for (;;) {
      const entry = await kv.get(id);
      const current = decodeEntry(entry);
      if (current === null || entry === null) return null;
      const next = edit(current);
      if (next === null) return current;
      try {
        await kv.update(id, JSON.stringify(KeyRecord.parse(next)), entry.revision);
        return next;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
  }

  return {
    kv,
    /** Makes a key; the returned `key` is the only time anyone sees it. */
    async create(input: NewKey, now: Date): Promise<{ record: KeyRecord; key: string }> {
      const { id, key } = generateKey();
      const record = KeyRecord.parse({
        id,
        tenant: input.tenant,
        scopes: [...new Set(input.scopes)],
        name: input.name ?? null,
        hash: hashKey(key),
        createdAt: now.toISOString(),
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        revokedAt: null,
        lastUsedAt: null,
        limits: {
          requestsPerSecond: input.limits?.requestsPerSecond ?? null,
          tasksInFlight: input.limits?.tasksInFlight ?? null,
        },
      });
      await kv.create(id, JSON.stringify(record));
      return { record, key };
    },
    async get(id: string): Promise<KeyRecord | null> {
      return decodeEntry(await kv.get(id));
    },
    /** Every key, revoked ones too, oldest first. */
    async list(): Promise<KeyRecord[]> {
      const ids: string[] = [];
      for await (const id of await kv.keys()) ids.push(id);
      const records = await Promise.all(ids.map(async (id) => decodeEntry(await kv.get(id))));
      return records.filter((r) => r !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    /** Marks the key revoked (it stays listed); revoking a revoked key changes nothing. Null: no such key. */
    revoke(id: string, now: Date): Promise<KeyRecord | null> {
      return change(id, (r) => (r.revokedAt === null ? { ...r, revokedAt: now.toISOString() } : null));
    },
    /** Records a use; never brings back a key revoked in the meantime (compare-and-set). */
    touch(id: string, now: Date): Promise<KeyRecord | null> {
      return change(id, (r) => (r.revokedAt === null ? { ...r, lastUsedAt: now.toISOString() } : null));
    },
    /**
     * Stores the configured bootstrap admin key under the id it names, unless it is there already: idempotent
     * across restarts and gateways. A different key under that id is replaced (rotation); a revoked one stays
     * revoked.
     */
    async seed(key: string, tenant: string, now: Date): Promise<"created" | "present" | "rotated" | "revoked"> {
      const id = keyIdOf(key);
      if (id === null) throw new Error("BOOTSTRAP_ADMIN_KEY must look like tj_<id>_<secret>");
      const hash = hashKey(key);
      for (;;) {
        const entry = await kv.get(id);
        const current = decodeEntry(entry);
        if (current?.hash === hash) return current.revokedAt === null ? "present" : "revoked";
        const record: KeyRecord = {
          id,
          tenant,
          scopes: ["admin", "tasks:read", "tasks:write"],
          name: "bootstrap admin key",
          hash,
          createdAt: now.toISOString(),
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null,
          limits: { requestsPerSecond: null, tasksInFlight: null },
        };
        try {
          if (entry === null || entry.operation !== "PUT") {
            await kv.create(id, JSON.stringify(record));
            return "created";
          }
          await kv.update(id, JSON.stringify(record), entry.revision);
          return "rotated";
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },
  };
}
export type KeyStore = ReturnType<typeof keyStore>;

export async function openKeyStore(
  js: JetStreamClient,
  names: Names,
  config: Pick<Config, "STREAM_REPLICAS">,
): Promise<KeyStore> {
  return keyStore(await openBucket(js, names, "keys", config));
}
