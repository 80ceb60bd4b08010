import type { PartialOutput } from "@taskjet/events";
import type { GenerateResult, ProviderError } from "./providers/provider.ts";

/** How one call to the model ended, as `runAttempt` saw it; `afterOutcome` decides what follows. */
export type Outcome =
  | { kind: "completed"; result: GenerateResult }
  | { kind: "failed"; error: ProviderError }
  /** The task was cancelled during the call: what it had produced is kept. */
  | { kind: "cancelled"; partial: PartialOutput }
  /** No answer within the task's timeout. */
  | { kind: "timed-out"; partial: PartialOutput }
  /** This executor is shutting down: another one takes the task. */
  | { kind: "handed-back" };
