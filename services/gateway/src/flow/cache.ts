import type { KV } from "@nats-io/kv";
import {
  ExecutorQueue,
  flowKeys,
  LaneState,
  NO_USAGE,
  type TenantFlow,
  TenantFlow as TenantFlowSchema,
  TenantUsage,
} from "@taskjet/events";
import { followKeys } from "@taskjet/runtime";
import type { FastifyBaseLogger } from "fastify";
import type { z } from "zod";

/**
 * An in-memory copy of the flow bucket (`<kvPrefix>_flow`), kept current by a KV watch (`followKeys`): a submit
 * checks its tenant's spend without a round trip, and /stats and /metrics read lanes and executor queues from
 * memory. Values are decoded with their zod schema when first read, not on every write (lanes change with
 * every call).
 */
export async function watchFlow(kv: KV, log: FastifyBaseLogger) {
  const follow = await followKeys(kv, undefined, log);
  const decoded = new Map<string, { revision: number; value: unknown }>();

  function read<S extends z.ZodType>(key: string, schema: S): z.infer<S> | null {
    const known = follow.known.get(key);
    if (known === undefined || known.value === null) return null;
    const cached = decoded.get(key);
    if (cached?.revision === known.revision) return cached.value as z.infer<S> | null;
    const parsed = schema.safeParse(known.value);
    if (!parsed.success) log.warn({ key, issues: parsed.error.issues }, "a flow document does not decode");
    const value = parsed.success ? parsed.data : null;
    decoded.set(key, { revision: known.revision, value });
    return value;
  }
  function readAll<S extends z.ZodType>(prefix: string, schema: S): z.infer<S>[] {
    const out: z.infer<S>[] = [];
    for (const key of follow.known.keys()) {
      if (!key.startsWith(prefix)) continue;
      const value = read(key, schema);
      if (value !== null) out.push(value);
    }
    return out;
  }

  return {
    /** Records what this gateway wrote at once, so its next request sees it before the watch brings it. */
    apply: follow.apply,
    tenant: (tenant: string): TenantFlow | null => read(flowKeys.tenant(tenant), TenantFlowSchema),
    usage: (tenant: string, period: string): TenantUsage =>
      read(flowKeys.usage(tenant, period), TenantUsage) ?? NO_USAGE,
    lanes: (): LaneState[] => readAll("lane.", LaneState),
    queues: (): ExecutorQueue[] => readAll("queue.", ExecutorQueue),
    close: () => follow.close(),
  };
}
export type FlowCache = Awaited<ReturnType<typeof watchFlow>>;
