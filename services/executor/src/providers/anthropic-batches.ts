import type Anthropic from "@anthropic-ai/sdk";
import { fromAnthropicMessage, toAnthropicParams } from "./anthropic-request.ts";
import type { BatchApi, BatchOutcome, BatchRequest, BatchResultLine } from "./provider.ts";
import { type SdkErrors, toProviderError } from "./sdk-errors.ts";

/** A batch call is a short request (the work happens on Anthropic's side): one that hangs this long has failed. */
const BATCH_CALL_TIMEOUT_MS = 60_000;

/**
 * Anthropic's Message Batches through the SDK (`client.messages.batches`): each request's params are the very
 * ones a streamed call sends (`toAnthropicParams`), under the task attempt's `custom_id`. Failures of the calls
 * themselves are ProviderErrors, classified as a call's are.
 */
export function anthropicBatches(client: Anthropic, sdk: SdkErrors): BatchApi {
  const never = new AbortController().signal;
  const options = { timeout: BATCH_CALL_TIMEOUT_MS };
  const fail = (err: unknown) => toProviderError(err, sdk, never, { output: "", usage: null });
  return {
    async create(requests: readonly BatchRequest[]) {
      const body = {
        requests: requests.map((r) => ({ custom_id: r.customId, params: toAnthropicParams(r.input) })),
      };
      const batch = await client.messages.batches.create(body, options).catch((err: unknown) => {
        throw fail(err);
      });
      return { id: batch.id };
    },
    async retrieve(id: string) {
      const batch = await client.messages.batches.retrieve(id, {}, options).catch((err: unknown) => {
        throw fail(err);
      });
      return { id: batch.id, ended: batch.processing_status === "ended" };
    },
    async *results(id: string): AsyncIterable<BatchResultLine> {
      try {
        for await (const line of await client.messages.batches.results(id, {}, options)) {
          yield { customId: line.custom_id, outcome: outcomeOf(line.result) };
        }
      } catch (err) {
        throw fail(err);
      }
    },
    async cancel(id: string) {
      await client.messages.batches.cancel(id, {}, options).catch((err: unknown) => {
        throw fail(err);
      });
    },
  };
}

/** One request's result in provider-neutral terms. */
export function outcomeOf(result: Anthropic.Messages.MessageBatchResult): BatchOutcome {
  switch (result.type) {
    case "succeeded":
      return { kind: "succeeded", result: fromAnthropicMessage(result.message) };
    case "errored": {
      const e = result.error?.error;
      return { kind: "errored", type: e?.type ?? "api_error", message: e?.message ?? "the request failed" };
    }
    case "canceled":
      return { kind: "canceled" };
    case "expired":
      return { kind: "expired" };
    default:
      return result satisfies never;
  }
}
