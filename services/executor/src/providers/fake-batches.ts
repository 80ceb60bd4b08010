import { randomUUID } from "node:crypto";
import type { BatchApi, BatchOutcome, BatchRequest, GenerateRequest, GenerateResult } from "./provider.ts";
import { ProviderError } from "./provider.ts";

/** Batches one process keeps at once: a bound on memory, far above any demo's (the oldest is forgotten). */
const MAX_BATCHES = 10_000;

type FakeBatch = { ids: string[]; outcomes: Map<string, BatchOutcome>; ended: boolean; abort: AbortController };

/**
 * The fake provider's Message Batches, in memory: each request is answered as the fake answers a call (its
 * markers included: `[fake:fail]` and `[fake:overloaded=N]` come back as errored results), all of them at
 * once; the batch has ended once every request has its answer — after about the fake's latency. A batch this
 * process does not know (it restarted) is a 404, as an unknown batch id is at Anthropic.
 */
export function fakeBatches(generate: (req: GenerateRequest) => Promise<GenerateResult>): BatchApi {
  const batches = new Map<string, FakeBatch>();
  const find = (id: string) => {
    const batch = batches.get(id);
    if (batch) return batch;
    throw new ProviderError(`no message batch ${id}`, { kind: "http", status: 404, type: "not_found_error" });
  };
  return {
    async create(requests: readonly BatchRequest[]) {
      const id = `msgbatch_fake_${randomUUID().replaceAll("-", "")}`;
      const outcomes = new Map<string, BatchOutcome>();
      const abort = new AbortController();
      const answer = async ({ customId, input }: BatchRequest) => {
        const outcome = await generate({ ...input, signal: abort.signal, onDelta: () => undefined }).then(
          (result): BatchOutcome => ({ kind: "succeeded", result }),
          (err: unknown): BatchOutcome => ({
            kind: "errored",
            type: err instanceof ProviderError ? (err.type ?? "api_error") : "api_error",
            message: err instanceof Error ? err.message : String(err),
          }),
        );
        if (!outcomes.has(customId)) outcomes.set(customId, outcome);
      };
      const batch: FakeBatch = { ids: requests.map((r) => r.customId), outcomes, ended: false, abort };
      void Promise.all(requests.map(answer)).then(() => {
        batch.ended = true;
      });
      batches.set(id, batch);
      if (batches.size > MAX_BATCHES) batches.delete(batches.keys().next().value ?? "");
      return { id };
    },
    async retrieve(id: string) {
      return { id, ended: find(id).ended };
    },
    async *results(id: string) {
      const batch = find(id);
      if (!batch.ended) throw new ProviderError(`message batch ${id} has not ended`, { kind: "http", status: 400 });
      for (const [customId, outcome] of batch.outcomes) yield { customId, outcome };
    },
    async cancel(id: string) {
      const batch = find(id);
      // What had not been answered yet is canceled (a later answer is dropped); the batch has ended.
      for (const customId of batch.ids)
        if (!batch.outcomes.has(customId)) batch.outcomes.set(customId, { kind: "canceled" });
      batch.ended = true;
      batch.abort.abort();
    },
  };
}
