import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { ApiError, taskjet, viaClient } from "../api/client.ts";
import { Problem } from "../components/problem.tsx";
import { excerpt } from "../format.ts";
import { Link, navigate, useLocation } from "../router.tsx";
import { promptOf } from "./reply-blocks.tsx";
import {
  EMPTY_FORM,
  type FieldName,
  type FormValues,
  fieldOf,
  MODE_CHOICES,
  newKey,
  PRIORITY_CHOICES,
  toBody,
  valuesFrom,
} from "./task-form.ts";

/** `/new`, `/new?from=<id>` (run again with edits), `/new?chainFrom=<id>` (a task on that task's output). */
export function SubmitPage() {
  const { query } = useLocation();
  const chainFrom = query.get("chainFrom");
  const from = query.get("from") ?? chainFrom;
  const source = useQuery({
    queryKey: ["task", from],
    queryFn: () => viaClient(taskjet.get(from ?? "")),
    enabled: from !== null,
  });
  const heading = chainFrom ? "Chain a task" : from ? "Run again with edits" : "New task";
  return (
    <section className="page narrow">
      <h1>{heading}</h1>
      {from && source.isPending && <p aria-live="polite">Loading task {from}…</p>}
      {from && source.isError && <Problem error={source.error} title="Cannot prefill from that task" />}
      {source.data && (
        <p className="lead">
          {chainFrom ? "Runs on the output of " : "Starts from "}
          <Link to={`/tasks/${source.data.id}`}>{excerpt(promptOf(source.data), 60)}</Link>
          {chainFrom && (
            <>
              {" "}
              once it completes: <code>{"{{parent.output}}"}</code> in the prompt is replaced by it (appended when
              absent).
            </>
          )}
        </p>
      )}
      {(!from || source.data) && (
        <TaskForm
          key={`${from}:${chainFrom}`}
          initial={source.data ? valuesFrom(source.data, chainFrom ? "chain" : "rerun", Date.now()) : EMPTY_FORM}
          parentId={chainFrom}
        />
      )}
    </section>
  );
}

function TaskForm({ initial, parentId }: { initial: FormValues; parentId: string | null }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState(initial);
  const [localProblems, setLocalProblems] = useState<Partial<Record<FieldName, string>>>({});
  // One key per form: a double click, or a retry after a lost answer, makes one task.
  const [idempotencyKey] = useState(newKey);
  const submit = useMutation({
    mutationFn: (body: NonNullable<ReturnType<typeof bodyOf>>) =>
      viaClient(
        parentId ? taskjet.chain(parentId, body, { idempotencyKey }) : taskjet.submit(body, { idempotencyKey }),
      ),
    onSuccess: (task) => {
      if (parentId) void queryClient.invalidateQueries({ queryKey: ["children", parentId] });
      navigate(`/tasks/${task.id}`);
    },
  });
  const serverProblems: Partial<Record<FieldName, string>> = {};
  const formProblems: string[] = [];
  if (submit.error instanceof ApiError) {
    for (const p of submit.error.fieldProblems) {
      const field = fieldOf(p.path);
      if (field && !serverProblems[field]) serverProblems[field] = p.message;
      else if (!field) formProblems.push(`${p.path}: ${p.message}`);
    }
  }
  const problems: Partial<Record<FieldName, string>> = { ...serverProblems };
  for (const [name, problem] of Object.entries(localProblems)) if (problem) problems[name as FieldName] = problem;
  const set = (name: keyof FormValues) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [name]: e.target.value }));
    setLocalProblems((p) => ({ ...p, [name]: undefined }));
  };
  function bodyOf() {
    const made = toBody(values);
    if ("problems" in made) {
      setLocalProblems(made.problems);
      return null;
    }
    return made.body;
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (submit.isPending) return;
    const body = bodyOf();
    if (body) submit.mutate(body);
  };
  const field = (name: FieldName, label: string, input: (props: FieldProps) => ReactNode, hint?: string) => (
    <Field name={name} label={label} problem={problems[name]} hint={hint} input={input} />
  );
  const hasFieldProblems = Object.values(problems).some(Boolean);
  return (
    <form className="task-form" onSubmit={onSubmit} noValidate aria-label={parentId ? "Chain a task" : "New task"}>
      {field("prompt", "Prompt", (p) => (
        <textarea
          {...p}
          rows={6}
          value={values.prompt}
          onChange={set("prompt")}
          required={!values.request.includes('"messages"')}
        />
      ))}
      {field("system", "System prompt", (p) => (
        <textarea {...p} rows={2} value={values.system} onChange={set("system")} />
      ))}
      <div className="grid">
        {field(
          "model",
          "Model",
          (p) => (
            <input {...p} value={values.model} onChange={set("model")} placeholder="the default" />
          ),
          "empty: the gateway's DEFAULT_MODEL",
        )}
        {field("maxTokens", "Max tokens", (p) => (
          <input {...p} type="number" min={1} value={values.maxTokens} onChange={set("maxTokens")} />
        ))}
        {field("temperature", "Temperature", (p) => (
          <input {...p} type="number" step={0.1} value={values.temperature} onChange={set("temperature")} />
        ))}
        {field("maxAttempts", "Max attempts", (p) => (
          <input {...p} type="number" min={1} value={values.maxAttempts} onChange={set("maxAttempts")} />
        ))}
        {field("timeoutSeconds", "Timeout (seconds)", (p) => (
          <input {...p} type="number" min={1} value={values.timeoutSeconds} onChange={set("timeoutSeconds")} />
        ))}
        {field(
          "priority",
          "Priority",
          (p) => (
            <select {...p} value={values.priority} onChange={set("priority")}>
              {PRIORITY_CHOICES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          ),
          "which work its model lane admits first",
        )}
        {field(
          "mode",
          "Mode",
          (p) => (
            <select {...p} value={values.mode} onChange={set("mode")}>
              {MODE_CHOICES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          ),
          "batch: sent with others of its model through the Message Batches API",
        )}
      </div>
      <fieldset className="when">
        <legend>When to run</legend>
        {(["now", "at", "delay"] as const).map((w) => (
          <label key={w} className="radio">
            <input type="radio" name="when" value={w} checked={values.when === w} onChange={set("when")} />
            {w === "now" ? "Now" : w === "at" ? "At a time" : "After a delay"}
          </label>
        ))}
        {values.when === "at" &&
          field("runAt", "Run at", (p) => (
            <input {...p} type="datetime-local" value={values.runAt} onChange={set("runAt")} />
          ))}
        {values.when === "delay" &&
          field("delaySeconds", "Delay (seconds)", (p) => (
            <input {...p} type="number" min={0} value={values.delaySeconds} onChange={set("delaySeconds")} />
          ))}
      </fieldset>
      {field(
        "metadata",
        "Metadata (JSON)",
        (p) => (
          <textarea
            {...p}
            rows={3}
            className="mono"
            value={values.metadata}
            onChange={set("metadata")}
            placeholder='{"customer": "acme"}'
          />
        ),
        "your own JSON object, kept with the task",
      )}
      {field(
        "request",
        "Messages API (JSON)",
        (p) => (
          <textarea
            {...p}
            rows={4}
            className="mono"
            value={values.request}
            onChange={set("request")}
            placeholder='{"thinking": {"type": "enabled", "budgetTokens": 2048}, "tools": […], "outputSchema": {…}}'
          />
        ),
        "everything else a task may say: messages (instead of the prompt), tools, toolChoice, thinking, " +
          "outputSchema, stopSequences, topP, topK, provider, fallbackModels, cache",
      )}
      {submit.error && (hasFieldProblems ? formProblems.length > 0 : true) && (
        <Problem
          error={formProblems.length > 0 ? new Error(formProblems.join("; ")) : submit.error}
          title="The task was not created"
        />
      )}
      {hasFieldProblems && (
        <p className="form-summary" role="alert">
          The task was not created: fix the fields marked below.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={submit.isPending}>
          {submit.isPending ? "Submitting…" : parentId ? "Chain task" : "Submit task"}
        </button>
      </div>
    </form>
  );
}

type FieldProps = { id: string; name: string; "aria-invalid": boolean; "aria-describedby": string | undefined };

function Field(props: {
  name: FieldName;
  label: string;
  problem: string | undefined;
  hint: string | undefined;
  input: (p: FieldProps) => ReactNode;
}) {
  const id = useId();
  const described = [props.problem ? `${id}-problem` : "", props.hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  return (
    <div className={`field${props.problem ? " invalid" : ""}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.input({
        id,
        name: props.name,
        "aria-invalid": Boolean(props.problem),
        "aria-describedby": described || undefined,
      })}
      {props.hint && (
        <small id={`${id}-hint`} className="hint">
          {props.hint}
        </small>
      )}
      {props.problem && (
        <small id={`${id}-problem`} className="field-problem">
          {props.problem}
        </small>
      )}
    </div>
  );
}
