import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { SCOPES } from "../principal.ts";

/** A tenant id: safe as a NATS subject token, a KV key and a SQL value. */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const TenantId = z.string().regex(TENANT_ID, "a tenant is 1–63 of a-z, 0-9 and '-', not starting with '-'");

/** A key's id: its public half, the KV key it is stored under and what events record as `issuedBy`. */
export const KeyId = z.string().regex(/^[a-z0-9]{4,32}$/);
/** `tj_<id>_<secret>`: the id says which record to check, the secret is what proves it. */
const KEY = /^tj_([a-z0-9]{4,32})_([A-Za-z0-9_-]{32,200})$/;

const iso = z.iso.datetime({ offset: true });

export const KeyLimitsSchema = z.object({
  requestsPerSecond: z.number().positive().nullable(),
  tasksInFlight: z.number().int().positive().nullable(),
});

/** An API key as the `<kvPrefix>_keys` bucket holds it, under its id. The key itself is never stored. */
export const KeyRecord = z.object({
  id: KeyId,
  tenant: TenantId,
  scopes: z.array(z.enum(SCOPES)).min(1),
  name: z.string().max(200).nullable(),
  /** sha256 of the whole key, hex. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: iso,
  expiresAt: iso.nullable(),
  revokedAt: iso.nullable(),
  /** Written back at most once a minute per key, so it trails by up to a minute. */
  lastUsedAt: iso.nullable(),
  limits: KeyLimitsSchema,
});
export type KeyRecord = z.infer<typeof KeyRecord>;

/** What a key's owner may see of it: everything but the hash. */
export type KeyView = Omit<KeyRecord, "hash">;
export const toView = ({ hash: _, ...view }: KeyRecord): KeyView => view;

/**
 * The secret is 32 random bytes, so nobody can guess it: a fast hash is enough, and a slow one (bcrypt) would
 * only cost every request ~100 ms of CPU. A password needs a slow hash because people choose guessable ones.
 */
export const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The id a well-formed key names, or null for anything that is not one. */
export function keyIdOf(key: string): string | null {
  return KEY.exec(key)?.[1] ?? null;
}

export function generateKey(): { id: string; key: string } {
  const id = randomBytes(8).toString("hex");
  return { id, key: `tj_${id}_${randomBytes(32).toString("base64url")}` };
}
