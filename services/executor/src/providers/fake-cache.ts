import { conversationOf, type ModelInput } from "@taskjet/events";

/**
 * The part of a request prompt caching would keep: everything, in the API's order (tools, system, messages),
 * up to and including the last block marked `cacheControl`; null when nothing is marked.
 */
export function cachePrefix(req: ModelInput): string | null {
  const parts: unknown[] = [
    ...(req.tools ?? []),
    ...(Array.isArray(req.system) ? req.system : req.system === null ? [] : [req.system]),
    ...conversationOf(req).flatMap((m): unknown[] => (typeof m.content === "string" ? [m.content] : m.content)),
  ];
  const last = parts.findLastIndex((p) => typeof p === "object" && p !== null && "cacheControl" in p);
  return last < 0 ? null : JSON.stringify([req.model, parts.slice(0, last + 1)]);
}

/** Prompt-cache usage: tokens written to the cache, or read from it, beside the rest of the input. */
export type CacheUsage = { inputTokens: number; cacheCreationInputTokens?: number; cacheReadInputTokens?: number };

/**
 * A prompt cache as the API keeps one, reduced to its accounting: the first call of a prefix writes it, later
 * ones read it. Bounded: past `max` prefixes the least recently used is forgotten (and written again if seen).
 */
export function promptCache(max = 1000) {
  const prefixes = new Map<string, true>();
  return {
    /** The input tokens of a call of `inputTokens` in all, split as the API reports them. */
    usage(req: ModelInput, inputTokens: number): CacheUsage {
      const prefix = cachePrefix(req);
      if (prefix === null) return { inputTokens };
      const cached = Math.min(inputTokens, Math.ceil(prefix.length / 4));
      const seen = prefixes.delete(prefix);
      prefixes.set(prefix, true);
      if (prefixes.size > max) prefixes.delete(prefixes.keys().next().value ?? "");
      const rest = inputTokens - cached;
      return seen
        ? { inputTokens: rest, cacheReadInputTokens: cached }
        : { inputTokens: rest, cacheCreationInputTokens: cached };
    },
  };
}
