import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import { conversationOf, type EventOf, type ModelInput, OutputBlock, Usage } from "@taskjet/events";
import type { Logger } from "@taskjet/runtime";
import { z } from "zod";

/**
 * The opt-in result cache (`cache: {ttlSeconds}`): a reply kept under the hash of everything that shapes it, so an
 * identical request completes without a call. One KV bucket per deployment (`<kvPrefix>_results`), one entry
 * per request; each task says how old an entry it accepts. Only deterministic requests opt in (the gateway
 * refuses a cache without temperature 0).
 */
export const CachedResult = z.object({
  taskId: z.uuid(),
  output: z.string(),
  content: z.array(OutputBlock).optional(),
  model: z.string(),
  stopReason: z.string().nullable(),
  usage: Usage,
  storedAt: z.number().int(),
});
export type CachedResult = z.infer<typeof CachedResult>;

/** How long the bucket keeps an entry at most, whatever a task's ttlSeconds: a week. */
export const RESULTS_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** A reply larger than this is not cached: a KV entry must fit in one NATS message. */
const MAX_ENTRY_BYTES = 512 * 1024;

/**
 * The key of a request: a hash of what the provider sees (the provider, model, system, conversation, tools,
 * every sampling parameter and the output schema), never of what only Taskjet reads (metadata, priority,
 * fallbacks, the cache's own ttl).
 */
export function requestKey(provider: string, input: ModelInput): string {
  const shaping = {
    provider,
    model: input.model,
    system: input.system,
    messages: conversationOf(input),
    ...{ maxTokens: input.maxTokens, temperature: input.temperature, topP: input.topP, topK: input.topK },
    ...{ stopSequences: input.stopSequences, tools: input.tools, toolChoice: input.toolChoice },
    ...{ thinking: input.thinking, outputSchema: input.outputSchema, serviceTier: input.serviceTier },
  };
  return createHash("sha256").update(JSON.stringify(shaping)).digest("hex");
}

/** Whether an entry stored at `storedAt` is young enough for a task that accepts `ttlSeconds`. */
export function isFresh(storedAt: number, ttlSeconds: number, now: number): boolean {
  return now - storedAt <= ttlSeconds * 1000;
}

/** What the cache keeps of a completed attempt: the reply as it was, under the task that paid for it. */
export function cachedFrom(completed: EventOf<"TaskCompleted">, now: Date): CachedResult {
  const { taskId, output, content, model, stopReason, usage } = completed;
  return { taskId, output, ...(content ? { content } : {}), model, stopReason, usage, storedAt: now.getTime() };
}

export type ResultCache = ReturnType<typeof resultCache>;

export function resultCache(kv: KV, log: Logger) {
  const encoder = new TextEncoder();
  return {
    /** The cached reply for this request, if one young enough is kept; a cache that cannot answer is a miss. */
    async find(key: string, ttlSeconds: number, now: number): Promise<CachedResult | null> {
      try {
        const entry = await kv.get(key);
        if (entry === null || entry.operation !== "PUT") return null;
        const parsed = CachedResult.safeParse(entry.json());
        if (!parsed.success || !isFresh(parsed.data.storedAt, ttlSeconds, now)) return null;
        return parsed.data;
      } catch (err) {
        log.warn({ err: String(err) }, "result cache not read; calling the model");
        return null;
      }
    },
    /** Keeps a reply; best effort: the task has its answer either way. */
    async keep(key: string, result: CachedResult): Promise<void> {
      const data = encoder.encode(JSON.stringify(result));
      if (data.byteLength > MAX_ENTRY_BYTES) return;
      await kv.put(key, data).catch((err: unknown) => log.warn({ err: String(err) }, "result not cached"));
    },
  };
}
