import type { KV } from "@nats-io/kv";
import {
  ExecutorQueue,
  flowKeys,
  LaneState,
  type TenantFlow,
  TenantFlow as TenantFlowSchema,
  TenantUsage,
} from "@taskjet/events";
import type { FastifyBaseLogger } from "fastify";
import type { z } from "zod";

type Held = { revision: number; json: unknown; decoded?: unknown };

/** Reads the bucket whole at most this many keys at a time when the gateway starts. */
const LOAD_PARALLEL = 32;

/**
 * An in-memory copy of the flow bucket (`<kvPrefix>_flow`), kept current by a KV watch: a submit checks its
 * tenant's spend without a round trip, and /stats and /metrics read lanes and executor queues from memory.
 * Values are decoded with their zod schema when first read, not on every write (lanes change with every call).
 */
export async function watchFlow(kv: KV, log: FastifyBaseLogger) {
  const held = new Map<string, Held>();

  /** Keeps the newer of what is held and what arrived: a watch and a read may bring one key in either order. */
  const apply = (key: string, revision: number, json: unknown | null) => {
    const current = held.get(key);
    if (current !== undefined && current.revision >= revision) return;
    if (json === null) held.set(key, { revision, json: null, decoded: null });
    else held.set(key, { revision, json });
  };
  const jsonOf = (e: { operation: string; json<T>(): T }): unknown | null => {
    if (e.operation !== "PUT") return null;
    try {
      return e.json<unknown>();
    } catch {
      return null;
    }
  };

  function read<S extends z.ZodType>(key: string, schema: S): z.infer<S> | null {
    const h = held.get(key);
    if (h === undefined || h.json === null) return null;
    if (h.decoded === undefined) {
      const parsed = schema.safeParse(h.json);
      h.decoded = parsed.success ? parsed.data : null;
      if (!parsed.success) log.warn({ key, issues: parsed.error.issues }, "a flow document does not decode");
    }
    return h.decoded as z.infer<S> | null;
  }
  function readAll<S extends z.ZodType>(prefix: string, schema: S): z.infer<S>[] {
    const out: z.infer<S>[] = [];
    for (const key of held.keys()) {
      if (!key.startsWith(prefix)) continue;
      const value = read(key, schema);
      if (value !== null) out.push(value);
    }
    return out;
  }

  // The watch starts first, then the bucket is read whole: nothing written in between is missed, and
  // revisions keep an older value from replacing a newer one (as the keys' authenticator does).
  const watch = await kv.watch({ include: "updates" });
  const following = (async () => {
    for await (const e of watch) apply(e.key, e.revision, jsonOf(e));
  })().catch((err: unknown) => log.error({ err }, "the flow watch stopped"));
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  for (let i = 0; i < keys.length; i += LOAD_PARALLEL) {
    await Promise.all(
      keys.slice(i, i + LOAD_PARALLEL).map(async (key) => {
        const e = await kv.get(key);
        if (e) apply(key, e.revision, jsonOf(e));
      }),
    );
  }

  return {
    /** Records what this gateway wrote at once, so its next request sees it before the watch brings it. */
    apply,
    tenant: (tenant: string): TenantFlow | null => read(flowKeys.tenant(tenant), TenantFlowSchema),
    usageTokens: (tenant: string, period: string): number =>
      read(flowKeys.usage(tenant, period), TenantUsage)?.tokens ?? 0,
    lanes: (): LaneState[] => readAll("lane.", LaneState),
    queues: (): ExecutorQueue[] => readAll("queue.", ExecutorQueue),
    async close() {
      watch.stop();
      await following;
    },
  };
}
export type FlowCache = Awaited<ReturnType<typeof watchFlow>>;
