import { randomBytes } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import { type Names, type WebhookEventType, WebhookSubscription, WebhookSubscriptionId } from "@taskjet/events";
import { z } from "zod";
import type { Config } from "./config.ts";
import { isCasConflict, openBucket } from "./kv.ts";
import { followKeys } from "./kv-follow.ts";
import type { Logger } from "./logger.ts";

/**
 * Webhook subscriptions and signing secrets in the NATS KV bucket `<kvPrefix>_webhooks`:
 * `sub.<tenant>.<id>` holds a subscription, so a tenant's are listed by one key filter and another tenant's id
 * is simply not found (a 404); `secret.<tenant>` holds the secret that signs the tenant's task webhooks
 * (`webhook` on a task), made on first use. KV keys take the tenant as it is: a tenant id is letters, digits,
 * `-` and `_`.
 */
const subKey = (tenant: string, id: string) => `sub.${tenant}.${id}`;
const secretKey = (tenant: string) => `secret.${tenant}`;

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;
const generateId = () => `whsub_${randomBytes(8).toString("hex")}`;

const TenantSecret = z.object({ secret: z.string().startsWith("whsec_"), createdAt: z.string() });

function decode(e: KvEntry | null): WebhookSubscription | null {
  if (e === null || e.operation !== "PUT") return null;
  const parsed = WebhookSubscription.safeParse(e.json());
  return parsed.success ? parsed.data : null;
}

export type NewSubscription = {
  url: string;
  events: readonly WebhookEventType[];
  enabled: boolean;
  description: string | null;
};
export type SubscriptionChange = Partial<NewSubscription> & { rotateSecret?: boolean };

export function webhookStore(kv: KV) {
  return {
    kv,
    async create(tenant: string, input: NewSubscription, now: Date): Promise<WebhookSubscription> {
      const at = now.toISOString();
      const sub = WebhookSubscription.parse({
        id: generateId(),
        tenant,
        ...input,
        events: [...new Set(input.events)],
        secret: generateWebhookSecret(),
        createdAt: at,
        updatedAt: at,
      });
      await kv.create(subKey(tenant, sub.id), JSON.stringify(sub));
      return sub;
    },
    async get(tenant: string, id: string): Promise<WebhookSubscription | null> {
      if (!WebhookSubscriptionId.safeParse(id).success) return null;
      return decode(await kv.get(subKey(tenant, id)));
    },
    /** The tenant's subscriptions, oldest first. */
    async list(tenant: string): Promise<WebhookSubscription[]> {
      const keys: string[] = [];
      for await (const key of await kv.keys(`sub.${tenant}.*`)) keys.push(key);
      const subs = await Promise.all(keys.map(async (key) => decode(await kv.get(key))));
      return subs
        .filter((s) => s !== null)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    /** Changes a subscription with compare-and-set; null when the tenant has no such subscription. */
    async update(tenant: string, id: string, change: SubscriptionChange, now: Date) {
      if (!WebhookSubscriptionId.safeParse(id).success) return null;
      for (;;) {
        const entry = await kv.get(subKey(tenant, id));
        const current = decode(entry);
        if (current === null || entry === null) return null;
        const { rotateSecret, ...fields } = change;
        const next = WebhookSubscription.parse({
          ...current,
          ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
          ...(fields.events === undefined ? {} : { events: [...new Set(fields.events)] }),
          ...(rotateSecret ? { secret: generateWebhookSecret() } : {}),
          updatedAt: now.toISOString(),
        });
        try {
          await kv.update(subKey(tenant, id), JSON.stringify(next), entry.revision);
          return next;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },
    /** Deletes a subscription; false when the tenant had no such subscription. */
    async remove(tenant: string, id: string): Promise<boolean> {
      if ((await this.get(tenant, id)) === null) return false;
      await kv.delete(subKey(tenant, id));
      return true;
    },
    /** The secret that signs the tenant's task webhooks, made on first use (or anew with `rotate`). */
    async tenantSecret(tenant: string, now: Date, rotate = false): Promise<string> {
      for (;;) {
        const entry = await kv.get(secretKey(tenant));
        const current = entry?.operation === "PUT" ? TenantSecret.safeParse(entry.json()) : null;
        if (current?.success && !rotate) return current.data.secret;
        const next = { secret: generateWebhookSecret(), createdAt: now.toISOString() };
        try {
          if (entry === null || entry.operation !== "PUT") await kv.create(secretKey(tenant), JSON.stringify(next));
          else await kv.update(secretKey(tenant), JSON.stringify(next), entry.revision);
          return next.secret;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
          rotate = false; // someone else made or rotated it meanwhile: theirs stands
        }
      }
    },
  };
}
export type WebhookStore = ReturnType<typeof webhookStore>;

export async function openWebhookStore(
  js: JetStreamClient,
  names: Names,
  config: Pick<Config, "STREAM_REPLICAS">,
): Promise<WebhookStore> {
  return webhookStore(await openBucket(js, names, "webhooks", config));
}

/**
 * Every subscription held in memory and kept current by a KV watch (the dispatcher reads them for every event);
 * a change reaches it within milliseconds.
 */
export async function followSubscriptions(store: WebhookStore, log: Pick<Logger, "error">) {
  const followed = await followKeys(store.kv, "sub.>", log);
  return {
    ofTenant(tenant: string): WebhookSubscription[] {
      const prefix = `sub.${tenant}.`;
      const out: WebhookSubscription[] = [];
      for (const [key, known] of followed.known) {
        if (!key.startsWith(prefix) || known.value === null) continue;
        const parsed = WebhookSubscription.safeParse(known.value);
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    },
    close: () => followed.close(),
  };
}
export type FollowedSubscriptions = Awaited<ReturnType<typeof followSubscriptions>>;
