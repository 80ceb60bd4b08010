import type { NatsConnection } from "@nats-io/transport-node";
import { DependencyUnavailableError } from "@taskjet/runtime";
import type { FastifyBaseLogger } from "fastify";
import type { Principal, Scope } from "../principal.ts";
import { hashKey, type KeyRecord, keyIdOf, sameHash } from "./record.ts";
import { decodeEntry, type KeyStore } from "./store.ts";
import { followKeys } from "./watch.ts";

/** Why a key was refused; all of them are a 401 `unauthorized`. */
export type Refusal = "missing" | "malformed" | "unknown" | "revoked" | "expired";
export const REFUSALS: Record<Refusal, string> = {
  missing: "send an API key: Authorization: Bearer <key>",
  malformed: "the API key is malformed (a key looks like tj_<id>_<secret>)",
  unknown: "unknown API key",
  revoked: "the API key was revoked",
  expired: "the API key has expired",
};

/** How long an id the bucket lacked is answered "unknown" without asking again (the watch still brings it). */
const MISS_TTL_MS = 1000;
const MAX_MISSES = 10_000;

/** Last-used time is written back at most this often per key, per gateway. */
const TOUCH_EVERY_MS = 60_000;

/**
 * While the watch is down, a cached record is trusted this long after the watch stopped or it was last read;
 * then it is read again per request (one read per key a second), and a request is refused 503 when the
 * bucket cannot be read: a key revoked meanwhile stops working within this bound, never later.
 */
export const UNWATCHED_TRUST_MS = 1000;

/**
 * Checks keys against an in-memory copy of the keys bucket, kept current by a KV watch: a request costs no
 * round trip, and a revocation reaches every gateway as fast as NATS delivers the change (milliseconds). A key
 * created a moment ago that the watch has not brought yet is read from the bucket once. A watch that stops (a
 * NATS restart, a disconnect) is started again, with the bucket re-read; until it is back, a cached record is
 * trusted for `UNWATCHED_TRUST_MS` and then read per request, and a request is a 503 when it cannot be.
 */
export async function createAuthenticator(
  store: KeyStore,
  opts: { log: FastifyBaseLogger; now: () => Date; nc?: Pick<NatsConnection, "status"> },
) {
  const known = new Map<string, { record: KeyRecord; revision: number; readAt: number }>();
  const forget = new Map<string, number>();
  const touched = new Map<string, number>();
  const listeners = new Set<(keyId: string) => void>();
  /** Ids the bucket did not have, until when: a flood of made-up keys costs one read per id a second. */
  const misses = new Map<string, number>();
  const apply = (id: string, revision: number, record: KeyRecord | null, readAt = 0) => {
    const cached = known.get(id);
    const last = cached?.revision ?? forget.get(id) ?? 0;
    if (revision <= last) {
      if (cached && revision === last) cached.readAt = Math.max(cached.readAt, readAt);
      return;
    }
    misses.delete(id);
    if (record === null) {
      known.delete(id);
      forget.set(id, revision);
    } else {
      known.set(id, { record, revision, readAt });
    }
    for (const listener of listeners) listener(id);
  };

  // Fed by the watch from here on: every change, and the whole bucket again whenever the watch restarts.
  const watch = await followKeys(store, apply, opts);

  /** A cached record, while the watch keeps it current or it was confirmed within the bound. */
  function trusted(id: string, now: number): KeyRecord | undefined {
    const cached = known.get(id);
    if (!cached) return undefined;
    const { live, downSince } = watch.state();
    if (live || now - Math.max(cached.readAt, downSince) < UNWATCHED_TRUST_MS) return cached.record;
    return undefined;
  }

  async function lookup(id: string): Promise<KeyRecord | null> {
    const now = opts.now().getTime();
    const cached = trusted(id, now);
    if (cached) return cached;
    if ((misses.get(id) ?? 0) > now) return null;
    // Fail closed: a record that cannot be confirmed is a 503, never an answer from a stale copy.
    if (!watch.state().connected) throw new DependencyUnavailableError("the keys bucket is out of reach");
    const e = await store.kv.get(id);
    if (e === null) {
      if (misses.size >= MAX_MISSES) misses.clear();
      misses.set(id, now + MISS_TTL_MS);
      if (known.delete(id)) for (const listener of listeners) listener(id);
      return null;
    }
    apply(id, e.revision, decodeEntry(e), now);
    return known.get(id)?.record ?? null;
  }

  function touch(record: KeyRecord, now: Date) {
    const last = touched.get(record.id) ?? (record.lastUsedAt ? Date.parse(record.lastUsedAt) : 0);
    if (now.getTime() - last < TOUCH_EVERY_MS) return;
    touched.set(record.id, now.getTime());
    store
      .touch(record.id, now)
      .catch((err: unknown) => opts.log.warn({ err, keyId: record.id }, "last-used not saved"));
  }

  return {
    /** The caller a bearer key names, or why it is refused. */
    async authenticate(key: string | undefined): Promise<{ principal: Principal } | { refused: Refusal }> {
      if (key === undefined || key === "") return { refused: "missing" };
      const id = keyIdOf(key);
      if (id === null) return { refused: "malformed" };
      const record = await lookup(id);
      if (record === null || !sameHash(record.hash, hashKey(key))) return { refused: "unknown" };
      if (record.revokedAt !== null) return { refused: "revoked" };
      const now = opts.now();
      if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return { refused: "expired" };
      touch(record, now);
      return { principal: principalOf(record) };
    },
    /** The caller a key id names, if that key is still good (a WebSocket ticket carries the id). */
    async byId(keyId: string): Promise<{ principal: Principal } | { refused: Refusal }> {
      const record = await lookup(keyId);
      if (record === null) return { refused: "unknown" };
      if (record.revokedAt !== null) return { refused: "revoked" };
      if (record.expiresAt !== null && Date.parse(record.expiresAt) <= opts.now().getTime()) {
        return { refused: "expired" };
      }
      return { principal: principalOf(record) };
    },
    /** Whether a key is still good (a WebSocket authenticated by it is closed once it is not). */
    stillValid(keyId: string): boolean {
      const record = known.get(keyId)?.record;
      if (!record || record.revokedAt !== null) return false;
      return record.expiresAt === null || Date.parse(record.expiresAt) > opts.now().getTime();
    },
    /** Calls `listener` with a key's id whenever its record changes (a revocation, a use written back). */
    onChange(listener: (keyId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Whether any key this gateway knows of has the scope and is neither revoked nor expired. */
    anyKeyWith(scope: Scope): boolean {
      const now = opts.now().getTime();
      for (const { record } of known.values()) {
        const expired = record.expiresAt !== null && Date.parse(record.expiresAt) <= now;
        if (record.scopes.includes(scope) && record.revokedAt === null && !expired) return true;
      }
      return false;
    },
    /** Whether a watch is delivering changes (false while it is restarted after a stop or a disconnect). */
    watching: () => watch.state().live,
    close: () => watch.close(),
  };
}
export type Authenticator = Awaited<ReturnType<typeof createAuthenticator>>;

export const principalOf = (r: KeyRecord): Principal => ({
  tenant: r.tenant,
  keyId: r.id,
  scopes: r.scopes,
  limits: r.limits,
});
