import type { Config } from "@taskjet/runtime";
import { outputSchemaProblem } from "@taskjet/runtime";
import type { SubmitTaskBody } from "./api-schemas.ts";
import { ApiError } from "./errors.ts";

/**
 * What a task body must satisfy beyond its schema: rules across fields, or that depend on configuration or on
 * the provider (Anthropic's temperature stops at 1). Each broken rule is a 400 `invalid_request` naming the
 * field, like a schema error, before anything is published.
 */
export function checkRequest(body: SubmitTaskBody, config: Config): void {
  const problems = requestProblems(body, config);
  const first = problems[0];
  if (first === undefined) return;
  throw new ApiError(400, "invalid_request", `${first.path}: ${first.message}`, problems);
}

/** The providers with a batch API the executor speaks (Anthropic's Message Batches; the fake's stand-in for it). */
const BATCH_PROVIDERS: ReadonlySet<string> = new Set(["anthropic", "fake"]);

type Problem = { path: string; message: string };

export function requestProblems(body: SubmitTaskBody, config: Config): Problem[] {
  const problems: Problem[] = [];
  const problem = (field: string, message: string) => problems.push({ path: `body.${field}`, message });
  const provider = body.provider ?? config.LLM_PROVIDER;
  const maxTokens = body.maxTokens ?? config.DEFAULT_MAX_TOKENS;
  if (body.temperature !== undefined && body.temperature > 1 && provider !== "openai") {
    problem("temperature", `${provider} takes 0 to 1`);
  }
  if (body.thinking?.type === "enabled" && body.thinking.budgetTokens >= maxTokens) {
    problem("thinking.budgetTokens", `must be below maxTokens (${maxTokens})`);
  }
  if (body.toolChoice !== undefined && body.toolChoice.type !== "none" && !body.tools?.length) {
    problem("toolChoice", "needs tools");
  }
  const choice = body.toolChoice;
  if (choice?.type === "tool" && !body.tools?.some((t) => t.name === choice.name)) {
    problem("toolChoice.name", "names no tool of `tools`");
  }
  const names = body.tools?.map((t) => t.name) ?? [];
  if (new Set(names).size !== names.length) problem("tools", "tool names must be unique");
  const models = [body.model ?? config.DEFAULT_MODEL, ...(body.fallbackModels ?? [])];
  if (new Set(models).size !== models.length) problem("fallbackModels", "each model once, the task's own not again");
  if (body.cache !== undefined && body.temperature !== 0) {
    problem("cache", "a cached result is reused only for a deterministic request: set temperature to 0");
  }
  if (body.outputSchema !== undefined) {
    const why = outputSchemaProblem(body.outputSchema);
    if (why !== null) problem("outputSchema", `not a usable JSON Schema: ${why}`);
  }
  if (body.mode === "batch" && !BATCH_PROVIDERS.has(provider)) {
    problem("mode", `${provider} has no batch API: batch mode runs on anthropic or fake`);
  }
  if (body.messages !== undefined && body.messages[0]?.role !== "user") {
    problem("messages.0.role", "a conversation begins with a user turn");
  }
  if (body.parentIds !== undefined) {
    if (body.parentIds.length > config.FANIN_MAX_PARENTS) {
      problem("parentIds", `at most ${config.FANIN_MAX_PARENTS} parents (FANIN_MAX_PARENTS)`);
    }
    if (new Set(body.parentIds).size !== body.parentIds.length) problem("parentIds", "each parent once");
  } else if (body.onParentFailure !== undefined) {
    problem("onParentFailure", "only with parentIds");
  }
  return problems;
}
