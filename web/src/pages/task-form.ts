// The submit form's values (as the inputs hold them: strings) and the POST /tasks body they make.
import type { CreateTaskBody, Task } from "../api/client.ts";
import { fromLocalInput, systemText, toLocalInput } from "../format.ts";
import { bodyOf } from "./task-body.ts";

export type When = "now" | "at" | "delay";

export type FormValues = {
  prompt: string;
  system: string;
  model: string;
  maxTokens: string;
  temperature: string;
  when: When;
  runAt: string;
  delaySeconds: string;
  maxAttempts: string;
  timeoutSeconds: string;
  /** "": the API's default, normal. */
  priority: "" | "low" | "high";
  metadata: string;
  /** The rest of the Messages API as a JSON object: messages, tools, thinking, outputSchema, cache… */
  request: string;
};

/** The body's fields the form has no input of its own for: they travel in `request`. */
export const REQUEST_FIELDS = [
  "messages",
  "tools",
  "toolChoice",
  "stopSequences",
  "topP",
  "topK",
  "thinking",
  "serviceTier",
  "outputSchema",
  "provider",
  "fallbackModels",
  "cache",
] as const;

/** The priority select's options, highest first; normal is the API's default, so it sends none. */
export const PRIORITY_CHOICES: readonly (readonly [FormValues["priority"], string])[] = [
  ["high", "high"],
  ["", "normal"],
  ["low", "low"],
];

export type FieldName = Exclude<keyof FormValues, "when">;

export const EMPTY_FORM: FormValues = {
  prompt: "",
  system: "",
  model: "",
  maxTokens: "",
  temperature: "",
  when: "now",
  runAt: "",
  delaySeconds: "",
  maxAttempts: "",
  timeoutSeconds: "",
  priority: "",
  metadata: "",
  request: "",
};

/** "Run again with edits": the task's own input. "Chain from": its settings, and a prompt on its output. */
export function valuesFrom(task: Task, mode: "rerun" | "chain", now: number): FormValues {
  const body = bodyOf(task, now);
  const request = Object.fromEntries(REQUEST_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  return {
    ...EMPTY_FORM,
    prompt: mode === "chain" ? "Continue from this:\n\n{{parent.output}}" : task.prompt,
    system: systemText(task.system),
    model: task.model,
    maxTokens: String(task.maxTokens),
    temperature: task.temperature === null ? "" : String(task.temperature),
    maxAttempts: String(task.maxAttempts),
    timeoutSeconds: String(task.timeoutSeconds),
    priority: task.priority === "normal" ? "" : task.priority,
    metadata: body.metadata ? JSON.stringify(body.metadata, null, 2) : "",
    request: Object.keys(request).length > 0 ? JSON.stringify(request, null, 2) : "",
    runAt: body.runAt ? toLocalInput(body.runAt) : "",
    when: body.runAt ? "at" : "now",
  };
}

/** A number input's value ("" when empty: the API's default applies). */
const num = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

/** The body, or the fields the console can tell are wrong before asking (metadata that is not JSON). */
export function toBody(v: FormValues): { body: CreateTaskBody } | { problems: Partial<Record<FieldName, string>> } {
  let metadata: Record<string, unknown> | undefined;
  if (v.metadata.trim() !== "") {
    try {
      metadata = JSON.parse(v.metadata) as Record<string, unknown>;
    } catch (err) {
      return { problems: { metadata: `not valid JSON: ${(err as Error).message}` } };
    }
  }
  let request: Partial<CreateTaskBody> = {};
  if (v.request.trim() !== "") {
    try {
      request = JSON.parse(v.request) as Partial<CreateTaskBody>;
    } catch (err) {
      return { problems: { request: `not valid JSON: ${(err as Error).message}` } };
    }
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      return { problems: { request: "must be a JSON object" } };
    }
  }
  const body: CreateTaskBody = {
    ...request,
    // A conversation replaces the prompt: the API takes one or the other.
    prompt: request.messages !== undefined && v.prompt.trim() === "" ? undefined : v.prompt,
    system: v.system.trim() === "" ? undefined : v.system,
    model: v.model.trim() === "" ? undefined : v.model.trim(),
    maxTokens: num(v.maxTokens),
    temperature: num(v.temperature),
    runAt: v.when === "at" ? (fromLocalInput(v.runAt) ?? "") : undefined,
    delaySeconds: v.when === "delay" ? (num(v.delaySeconds) ?? 0) : undefined,
    maxAttempts: num(v.maxAttempts),
    timeoutSeconds: num(v.timeoutSeconds),
    priority: v.priority === "" ? undefined : v.priority,
    metadata,
  };
  for (const k of Object.keys(body) as (keyof CreateTaskBody)[]) if (body[k] === undefined) delete body[k];
  return { body };
}

/** `body.temperature` → `temperature`: which input a 400's detail belongs to (null: the form as a whole). */
export function fieldOf(path: string): FieldName | null {
  const name = path.replace(/^body\.?/, "").split(".")[0] ?? "";
  const fields: readonly string[] = Object.keys(EMPTY_FORM).filter((k) => k !== "when");
  if ((REQUEST_FIELDS as readonly string[]).includes(name)) return "request";
  return fields.includes(name) ? (name as FieldName) : null;
}

/** A UUID for the Idempotency-Key, also where crypto.randomUUID is missing (a page served over plain http). */
export function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
