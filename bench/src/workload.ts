import { randomBytes } from "node:crypto";

/** Every system gets the same task: ≈300 B of request (prompt, model, max tokens), ≈1 KB of result. */
export const MODEL = "claude-sonnet-4-5";
export const MAX_TOKENS = 256;
export const RESULT_CHARS = 1024;

export function taskPayload(i: number) {
  const filler = randomBytes(96).toString("hex"); // 192 chars: prompts are not all alike
  return {
    prompt: `Task ${i}: summarise the following notes in one paragraph. ${filler}`,
    model: MODEL,
    maxTokens: MAX_TOKENS,
  };
}
export type TaskPayload = ReturnType<typeof taskPayload>;

/** What a peer's worker returns, so every system stores a result of the same size. */
export const peerResult = (prompt: string) => `Fake reply to: ${prompt}`.padEnd(RESULT_CHARS, ".");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `n` jobs with at most `inFlight` at a time. */
export async function inPool(n: number, inFlight: number, job: (i: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(n, inFlight) }, async () => {
    while (next < n) await job(next++);
  });
  await Promise.all(lanes);
}

/** Starts `job(i)` at `perSecond` for `seconds`, on schedule (not after the previous one ends). */
export async function paced(perSecond: number, seconds: number, job: (i: number) => Promise<void>) {
  const n = Math.round(perSecond * seconds);
  const start = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    running.push(job(i));
  }
  await Promise.all(running);
}

/** Completion times by key, as they arrive; `wait` resolves once every key asked for has one. */
export function completionTracker() {
  const at = new Map<string, number>();
  let waiting: { missing: Set<string>; resolve: () => void } | null = null;
  return {
    record(key: string, ms: number) {
      if (at.has(key)) return;
      at.set(key, ms);
      if (waiting?.missing.delete(key) && waiting.missing.size === 0) waiting.resolve();
    },
    async wait(keys: string[], timeoutMs: number, what: string): Promise<Map<string, number>> {
      const missing = new Set(keys.filter((k) => !at.has(k)));
      if (missing.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            waiting = { missing, resolve };
          }),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`timed out waiting for ${what}: ${waiting?.missing.size} missing`)),
              timeoutMs,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        waiting = null;
      }
      return new Map(keys.map((k) => [k, at.get(k) as number]));
    },
  };
}
