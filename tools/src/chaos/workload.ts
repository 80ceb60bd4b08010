import type { ChaosClient } from "./client.ts";

/** What kind of task index `i` is: 60 % now, 15 % a few seconds ahead, 15 % chained, 10 % cancelled. */
export type Kind = "immediate" | "delayed" | "chained" | "cancel-waiting" | "cancel-racing";
export function kindOf(i: number): Kind {
  const r = i % 20;
  if (r < 12) return "immediate";
  if (r < 15) return "delayed";
  if (r < 18) return "chained";
  return r === 18 ? "cancel-waiting" : "cancel-racing";
}

export type Submitted = {
  i: number;
  kind: Kind;
  key: string;
  /** When a delayed (or cancel-waiting) task is due, ms since the epoch. */
  runAt: number | null;
  /** The task id the gateway accepted the task under; null when it never did. */
  id: string | null;
  parentId: string | null;
  /** The final answer to the submit when it was not a 202 (a 4xx), or null. */
  refused: { status: number; body: unknown } | null;
  /** The answer to the cancel, for the cancelled kinds (202, 200 or 409), or null when none came. */
  cancelStatus: number | null;
};

/** The prompt names the task's index first, so the fake provider can count calls per task. */
export const promptOf = (i: number, kind: Kind) =>
  kind === "chained" ? `chaos-${i} follow up on: {{parent.output}}` : `chaos-${i} say something short`;
export const indexInPrompt = (prompt: string) => {
  const m = /^chaos-(\d+) /.exec(prompt);
  return m ? Number(m[1]) : null;
};

/**
 * Submits `n` tasks at `rate` per second with at most `concurrency` in flight, each with its own
 * `Idempotency-Key` and retried with it until `requestBudgetMs` has passed. `gate(i)` may hold back task `i`
 * (the fault schedule uses it so that every fault lands while submits are still going on).
 */
export async function submitTasks(o: {
  n: number;
  rate: number;
  concurrency: number;
  client: ChaosClient;
  runId: string;
  requestBudgetMs: number;
  gate: (i: number) => Promise<void>;
  onAccepted: (s: Submitted, requestStartedAt: number) => void;
}): Promise<Submitted[]> {
  const out: Submitted[] = [];
  let lastParent: string | null = null;
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < o.n) {
      const i = next++;
      const wait = t0 + (i * 1000) / o.rate - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      await o.gate(i);
      let kind = kindOf(i);
      const parentId = kind === "chained" ? lastParent : null;
      if (kind === "chained" && !parentId) kind = "immediate";
      const s: Submitted = {
        i,
        kind,
        key: `${o.runId}-${i}`,
        runAt: null,
        id: null,
        parentId,
        refused: null,
        cancelStatus: null,
      };
      out.push(s);
      const body: Record<string, unknown> = { prompt: promptOf(i, kind), maxTokens: 64, metadata: { chaos: i } };
      if (kind === "delayed") s.runAt = Date.now() + 2000 + Math.random() * 3000;
      if (kind === "cancel-waiting") s.runAt = Date.now() + 4000 + Math.random() * 4000;
      if (s.runAt !== null) body.runAt = new Date(s.runAt).toISOString();
      const path = parentId ? `/tasks/${parentId}/chain` : "/tasks";
      const startedAt = Date.now();
      const deadline = startedAt + o.requestBudgetMs;
      const a = await o.client.send("POST", path, { body, headers: { "idempotency-key": s.key }, deadline });
      if (!a) continue;
      if (a.status !== 202) {
        s.refused = { status: a.status, body: a.body };
        continue;
      }
      s.id = (a.body as { id: string }).id;
      o.onAccepted(s, startedAt);
      if (kind === "immediate") lastParent = s.id;
      if (kind === "cancel-waiting" || kind === "cancel-racing") {
        const c = await o.client.send("POST", `/tasks/${s.id}/cancel`, {
          body: { reason: "chaos" },
          deadline: Date.now() + o.requestBudgetMs,
        });
        s.cancelStatus = c?.status ?? null;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.n, o.concurrency) }, lane));
  return out;
}
