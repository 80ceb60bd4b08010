import { Ajv, type ValidateFunction } from "ajv";

/**
 * Structured output, checked with Ajv (the JSON Schema validator Fastify itself uses): the gateway compiles a
 * task's schema to refuse one that is not valid at submit time, the executor checks the final text after the
 * call. Compiled validators are kept by schema text: a busy extraction job sends the same schema many times.
 */
const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value ?? "");
    compiled.set(key, validate);
  }
  return validate;
}

/** Why a JSON Schema cannot be used, or null when it can. */
export function outputSchemaProblem(schema: Record<string, unknown>): string | null {
  try {
    compile(schema);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Why a reply's final text does not satisfy the schema, or null when it does. The text is JSON, possibly in a
 * ```json fence (a model without native structured output often wraps it).
 */
export function outputMismatch(schema: Record<string, unknown>, text: string): string | null {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced ? (fenced[1] ?? "") : text);
  } catch {
    return "the output is not JSON";
  }
  const validate = compile(schema);
  if (validate(value)) return null;
  return `the output does not match outputSchema: ${ajv.errorsText(validate.errors, { dataVar: "output" })}`;
}
