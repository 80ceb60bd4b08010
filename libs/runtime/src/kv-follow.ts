import type { KV } from "@nats-io/kv";
import type { Logger } from "./logger.ts";

/** A key's latest value as this process knows it (null: deleted) and its revision, for compare-and-set. */
export type Known = { revision: number; value: unknown | null };

/** Keys read at once when a follow starts. */
const LOAD_PARALLEL = 32;

/**
 * Keeps the latest value of every key matching `filter` (`lane.>`; absent: the whole bucket) in memory: the
 * watch starts first, then the keys are read once, so nothing written in between is missed; revisions keep an
 * older value from replacing a newer one (a watch and a read, or our own write, may bring one key in either
 * order). `onChange` hears every key that changed. One watch per filter: NATS 2.9 takes one filter subject per
 * consumer.
 */
export async function followKeys(
  kv: KV,
  filter: string | undefined,
  log: Pick<Logger, "error">,
  onChange: (key: string) => void = () => undefined,
) {
  const known = new Map<string, Known>();
  const apply = (key: string, revision: number, value: unknown | null): boolean => {
    const current = known.get(key);
    if (current !== undefined && current.revision >= revision) return false;
    known.set(key, { revision, value });
    onChange(key);
    return true;
  };
  const jsonOf = (e: { operation: string; json<T>(): T }): unknown | null => {
    if (e.operation !== "PUT") return null;
    try {
      return e.json<unknown>();
    } catch {
      return null;
    }
  };
  const watch = await kv.watch({ ...(filter === undefined ? {} : { key: filter }), include: "updates" });
  const following = (async () => {
    for await (const e of watch) apply(e.key, e.revision, jsonOf(e));
  })().catch((err: unknown) => log.error({ err, filter }, "a KV watch stopped"));
  const keys: string[] = [];
  for await (const key of await kv.keys(filter)) keys.push(key);
  for (let i = 0; i < keys.length; i += LOAD_PARALLEL) {
    await Promise.all(
      keys.slice(i, i + LOAD_PARALLEL).map(async (key) => {
        const e = await kv.get(key);
        if (e) apply(key, e.revision, jsonOf(e));
      }),
    );
  }
  return {
    known,
    apply,
    /** Reads one key again (after a lost compare-and-set). */
    async refresh(key: string): Promise<Known | null> {
      const e = await kv.get(key);
      if (e) apply(key, e.revision, jsonOf(e));
      return known.get(key) ?? null;
    },
    async close() {
      watch.stop();
      await following;
    },
  };
}
