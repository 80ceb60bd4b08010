import type { KV, KvEntry } from "@nats-io/kv";
import { decodeMessage, encodeMessage, WaitingChildIds } from "@taskjet/events";
import { isCasConflict } from "@taskjet/runtime";

/** A value no scheduler wrote (edited by hand?) stops the reaction loudly rather than forget children. */
function childrenIn(entry: KvEntry): string[] {
  const d = decodeMessage(WaitingChildIds, entry.value);
  if (!d.ok) throw new Error(`waiting children of ${entry.key} unreadable: ${d.reason}`);
  return d.message;
}

/**
 * Which children wait for which parent, in a NATS KV bucket (key: parent id, value: child ids), changed only
 * by compare-and-set so that concurrent schedulers never lose a child.
 */
export function waitingChildren(kv: KV) {
  return {
    async add(parentId: string, childId: string): Promise<void> {
      for (;;) {
        const entry = await kv.get(parentId);
        const live = entry?.operation === "PUT";
        const children = live ? childrenIn(entry) : [];
        if (children.includes(childId)) return;
        try {
          const value = encodeMessage(WaitingChildIds, [...children, childId]);
          if (live) await kv.update(parentId, value, entry.revision);
          else await kv.create(parentId, value);
          return;
        } catch (err) {
          if (!isCasConflict(err)) throw err;
        }
      }
    },

    async list(parentId: string): Promise<{ children: string[]; revision: number }> {
      const entry = await kv.get(parentId);
      if (entry?.operation !== "PUT") return { children: [], revision: 0 };
      return { children: childrenIn(entry), revision: entry.revision };
    },

    /** Forgets a parent's children, unless one was added since `revision` (then false: read them again). */
    async clear(parentId: string, revision: number): Promise<boolean> {
      if (revision === 0) return true;
      try {
        await kv.delete(parentId, { previousSeq: revision });
        return true;
      } catch (err) {
        if (isCasConflict(err)) return false;
        throw err;
      }
    },
  };
}
export type WaitingChildren = ReturnType<typeof waitingChildren>;
