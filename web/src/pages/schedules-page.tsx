// `/schedules`: the caller's schedules with their next runs and last firing, a form to make one, and per
// schedule pause/resume, delete and a link to the tasks it fired.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components, paths } from "@taskjet/client";
import { type FormEvent, useId, useState } from "react";
import { ApiError, client, unwrap } from "../api/client.ts";
import { Empty, Problem } from "../components/problem.tsx";
import { dateTime, excerpt } from "../format.ts";
import { Link } from "../router.tsx";
import { newKey } from "./task-form.ts";

type Schedule = components["schemas"]["Schedule"];
type NewSchedule = paths["/schedules"]["post"]["requestBody"]["content"]["application/json"];

/** Next runs and last firings move with the clock: the list is read again this often while open. */
const REFRESH_MS = 5000;
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function SchedulesPage() {
  const list = useQuery({
    queryKey: ["schedules"],
    queryFn: () => unwrap(client.GET("/schedules")),
    refetchInterval: REFRESH_MS,
  });
  const schedules = list.data?.schedules ?? [];
  return (
    <section className="page wide schedules-page">
      <div className="page-head">
        <h1>Schedules</h1>
      </div>
      <p className="lead">
        A schedule submits its task at every tick of a cron expression, in its time zone, once per tick however many
        schedulers run. Each firing is a task of its own, linked back to the schedule.
      </p>
      {list.isError && <Problem error={list.error} title="Cannot load schedules" />}
      {list.isPending && <p className="loading">Loading schedules…</p>}
      {list.isSuccess && schedules.length === 0 && <Empty title="No schedules yet">Make one below.</Empty>}
      {schedules.length > 0 && <ScheduleTable schedules={schedules} />}
      <h2>New schedule</h2>
      <ScheduleForm />
    </section>
  );
}

function ScheduleTable({ schedules }: { schedules: Schedule[] }) {
  return (
    <div className="table-wrap">
      <table className="tasks schedules" aria-label="Schedules">
        <thead>
          <tr>
            <th>Schedule</th>
            <th>When</th>
            <th>Next runs</th>
            <th>Last firing</th>
            <th className="num">Fired / skipped</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <ScheduleRow key={s.id} s={s} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ScheduleRow({ s }: { s: Schedule }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["schedules"] });
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(client.PATCH("/schedules/{id}", { params: { path: { id: s.id } }, body: { paused: !s.paused } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const { response, error } = await client.DELETE("/schedules/{id}", { params: { path: { id: s.id } } });
      if (!response.ok) {
        const e = (error as { error?: { code: string; message: string } } | undefined)?.error;
        throw new ApiError(response.status, e?.code ?? `http_${response.status}`, e?.message ?? "Delete failed.");
      }
    },
    onSuccess: refresh,
  });
  const prompt = typeof s.task.prompt === "string" ? s.task.prompt : "(messages)";
  return (
    <tr data-schedule={s.id}>
      <td>
        <strong>{s.name ?? excerpt(prompt, 40)}</strong>
        {s.paused && <span className="chip"> paused</span>}
        <br />
        <small className="hint">{excerpt(prompt, 60)}</small>
      </td>
      <td>
        <code>{s.cron}</code>
        <br />
        <small className="hint">
          {s.timezone} · overlap {s.overlap} · catch-up {s.catchUp}
        </small>
      </td>
      <td>
        {s.nextRuns.length === 0 ? (
          <span className="hint">{s.paused ? "paused" : "none"}</span>
        ) : (
          <ul className="next-runs">
            {s.nextRuns.slice(0, 3).map((t) => (
              <li key={t}>{dateTime(t)}</li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {s.lastFiring ? (
          <Link to={`/tasks/${s.lastFiring.taskId}`}>{dateTime(s.lastFiring.tick)}</Link>
        ) : (
          <span className="hint">never</span>
        )}
        {s.lastSkip && (
          <>
            <br />
            <small className="hint">
              skipped {dateTime(s.lastSkip.tick)} ({s.lastSkip.reason})
            </small>
          </>
        )}
      </td>
      <td className="num">
        {s.firings} / {s.skips}
      </td>
      <td className="actions">
        <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {s.paused ? "Resume" : "Pause"}
        </button>
        <Link to={`/tasks?scheduleId=${s.id}`}>Tasks</Link>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => {
            if (confirm("Delete this schedule? The tasks it fired stay.")) remove.mutate();
          }}
        >
          Delete
        </button>
        {(toggle.error || remove.error) && <Problem error={toggle.error ?? remove.error} />}
      </td>
    </tr>
  );
}

type FormValues = { name: string; cron: string; timezone: string; prompt: string; model: string } & Pick<
  NewSchedule,
  "overlap" | "catchUp"
>;
const EMPTY: FormValues = {
  name: "",
  cron: "0 * * * *",
  timezone: browserZone,
  prompt: "",
  model: "",
  overlap: "skip",
  catchUp: "latest",
};

/** Where the API put a problem (`body.cron`, `body.task.prompt`) → the form's field. */
const fieldOf = (path: string) => path.replace(/^body\.(task\.)?/, "").split(".")[0] ?? "";

function ScheduleForm() {
  const queryClient = useQueryClient();
  const [values, setValues] = useState(EMPTY);
  // One key per schedule made here: a double click, or a retry after a lost answer, makes one schedule.
  const [idempotencyKey, setIdempotencyKey] = useState(newKey);
  const create = useMutation({
    mutationFn: (body: NewSchedule) =>
      unwrap(client.POST("/schedules", { body, headers: { "idempotency-key": idempotencyKey } })),
    onSuccess: () => {
      setValues(EMPTY);
      setIdempotencyKey(newKey());
      void queryClient.invalidateQueries({ queryKey: ["schedules"] });
    },
  });
  const problems = new Map<string, string>();
  if (create.error instanceof ApiError)
    for (const p of create.error.fieldProblems) problems.set(fieldOf(p.path), p.message);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      ...(values.name.trim() ? { name: values.name.trim() } : {}),
      cron: values.cron.trim(),
      timezone: values.timezone.trim() || "UTC",
      task: { prompt: values.prompt, ...(values.model.trim() ? { model: values.model.trim() } : {}) },
      overlap: values.overlap,
      catchUp: values.catchUp,
    });
  };
  const set = (name: keyof FormValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));
  const text = (name: keyof FormValues, label: string, hint?: string) => (
    <Field label={label} problem={problems.get(name)} hint={hint}>
      {(id) => (
        <input id={id} name={name} value={values[name]} onChange={set(name)} aria-invalid={problems.has(name)} />
      )}
    </Field>
  );
  return (
    <form className="task-form" onSubmit={onSubmit} noValidate aria-label="New schedule">
      <div className="grid">
        {text("name", "Name", "optional, for people")}
        {text("cron", "Cron", "minute hour day month weekday; six fields: seconds first")}
        {text("timezone", "Time zone", "IANA, e.g. Europe/Berlin")}
        {text("model", "Model", "optional: the default model")}
        <Field label="If the previous run is still going" problem={problems.get("overlap")}>
          {(id) => (
            <select id={id} name="overlap" value={values.overlap} onChange={set("overlap")}>
              <option value="skip">skip the tick</option>
              <option value="queue">queue one</option>
              <option value="allow">run beside it</option>
            </select>
          )}
        </Field>
        <Field label="Ticks missed while down" problem={problems.get("catchUp")}>
          {(id) => (
            <select id={id} name="catchUp" value={values.catchUp} onChange={set("catchUp")}>
              <option value="latest">run the latest once</option>
              <option value="all">run each (up to 10)</option>
              <option value="none">skip them</option>
            </select>
          )}
        </Field>
      </div>
      <Field label="Prompt" problem={problems.get("prompt") ?? problems.get("task")}>
        {(id) => <textarea id={id} name="prompt" rows={4} value={values.prompt} onChange={set("prompt")} />}
      </Field>
      {create.error && !(create.error instanceof ApiError && create.error.fieldProblems.length > 0) && (
        <Problem error={create.error} title="Cannot create the schedule" />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create schedule
        </button>
      </div>
    </form>
  );
}

function Field(props: {
  label: string;
  problem?: string | undefined;
  hint?: string | undefined;
  children: (id: string) => React.ReactNode;
}) {
  const id = useId();
  return (
    <div className={`field${props.problem ? " invalid" : ""}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small className="hint">{props.hint}</small>}
      {props.problem && <small className="field-problem">{props.problem}</small>}
    </div>
  );
}
