import type { JetStreamClient } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { flowKeys, type Names, NO_USAGE, TenantFlow, TenantUsage } from "@taskjet/events";
import { type Config, openBucket } from "@taskjet/runtime";

/** The flow bucket, `<kvPrefix>_flow`: the executors write lanes, usage and queues; the gateway tenant settings. */
export function openFlowBucket(js: JetStreamClient, names: Names, config: Pick<Config, "STREAM_REPLICAS">) {
  return openBucket(js, names, "flow", config);
}

/** A tenant's settings as stored, the defaults when none are (a bad document counts as none). */
export async function readTenantFlow(kv: KV, tenant: string): Promise<TenantFlow> {
  const e = await kv.get(flowKeys.tenant(tenant));
  const parsed = e?.operation === "PUT" ? TenantFlow.safeParse(e.json()) : null;
  return parsed?.success ? parsed.data : TenantFlow.parse({});
}

/** What the tenant spent in a period, read from the bucket (the admin's view: read after its own write). */
export async function readUsage(kv: KV, tenant: string, period: string): Promise<TenantUsage> {
  const e = await kv.get(flowKeys.usage(tenant, period));
  const parsed = e?.operation === "PUT" ? TenantUsage.safeParse(e.json()) : null;
  return parsed?.success ? parsed.data : NO_USAGE;
}

/** Replaces a tenant's settings (the last write wins: settings are an admin's whole document); its revision. */
export async function writeTenantFlow(kv: KV, tenant: string, flow: TenantFlow): Promise<number> {
  return kv.put(flowKeys.tenant(tenant), JSON.stringify(TenantFlow.parse(flow)));
}
