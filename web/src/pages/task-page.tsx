import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type Task, taskjet, viaClient } from "../api/client.ts";
import { Problem } from "../components/problem.tsx";
import { PriorityBadge, StatusBadge, TERMINAL, WaitingBadge } from "../components/status.tsx";
import { Timeline } from "../components/timeline.tsx";
import { useNow } from "../components/use-now.ts";
import { count, dateTime, duration, excerpt, runTime, systemText } from "../format.ts";
import { isNewer, keepNewer, useFollowTask } from "../live/hooks.ts";
import { Link } from "../router.tsx";
import { usd } from "./cost.ts";
import { CurlPanel } from "./curl-panel.tsx";
import { Conversation, promptOf, Thinking, ToolCalls } from "./reply-blocks.tsx";
import { TaskTree } from "./task-tree.tsx";

export function TaskPage({ id }: { id: string }) {
  const task = useQuery({
    queryKey: ["task", id],
    queryFn: () => viaClient(taskjet.get(id)),
    staleTime: Number.POSITIVE_INFINITY, // the WebSocket pushes every change
    // A fetch answered after the WebSocket pushed a later version does not take the page back in time.
    structuralSharing: (held, fetched) => keepNewer(fetched as Task, held as Task | undefined),
  });
  const { streamed, thinking } = useFollowTask(id);
  if (task.isPending) return <section className="page">Loading task…</section>;
  if (task.isError) {
    return (
      <section className="page">
        <h1>Task {id}</h1>
        <Problem error={task.error} title="Cannot show this task" />
        <Link to="/tasks">Back to the task list</Link>
      </section>
    );
  }
  return <TaskView task={task.data} streamed={streamed} thinking={thinking} />;
}

function TaskView({ task, streamed, thinking }: { task: Task; streamed: string; thinking: string }) {
  const now = useNow(1000);
  const live = !TERMINAL.has(task.status);
  const events = useQuery({
    queryKey: ["events", task.id, task.updatedAt],
    queryFn: () => viaClient(taskjet.events(task.id)),
    placeholderData: keepPreviousData,
  });
  // While it runs, the streamed text; once it ends, the output the task holds (it is the whole text).
  const output = task.output || streamed || null;
  const silent = task.stopReason === "tool_use" ? "No text: the model called a tool (below)." : "No output.";
  const ran = runTime(task, now);
  return (
    <section className="page task-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/tasks">Tasks</Link> / <span className="mono">{task.id}</span>
      </nav>
      <div className="page-head">
        <h1 className="task-title">
          <StatusBadge status={task.status} />
          {task.waiting && live && <WaitingBadge waiting={task.waiting} />}
          <span className="task-name">{excerpt(promptOf(task), 80)}</span>
        </h1>
        <Actions task={task} />
      </div>
      {task.error && (
        <div className="problem" role="alert">
          <strong>
            {task.status === "failed" ? "Failed" : "Last error"}: <code>{task.error.code}</code>
          </strong>
          <p>{task.error.message}</p>
        </div>
      )}
      {task.cancelReason && <p className="note">Cancelled: {task.cancelReason}</p>}
      <div className="columns">
        <div className="col-main">
          {task.messages ? (
            <>
              <h2>Conversation</h2>
              <Conversation messages={task.messages} />
            </>
          ) : (
            <>
              <h2>Prompt</h2>
              <pre className="text-block">{task.prompt}</pre>
            </>
          )}
          {task.system && (
            <>
              <h2>System prompt</h2>
              <pre className="text-block">{systemText(task.system)}</pre>
            </>
          )}
          <Thinking task={task} streamed={thinking} />
          <section aria-label="Output">
            <h2>Output {task.status === "running" && <span className="streaming">streaming…</span>}</h2>
            <pre className="text-block output">
              {output ?? <span className="muted">{live ? "Waiting for the first tokens…" : silent}</span>}
              {task.status === "running" && <span className="caret" aria-hidden="true" />}
            </pre>
          </section>
          <ToolCalls task={task} />
          <h2>Timeline</h2>
          {events.isError && <Problem error={events.error} title="Cannot load the history" />}
          {events.data && <Timeline events={events.data} live={live} />}
        </div>
        <aside className="col-side">
          <h2>Details</h2>
          <dl className="fields">
            <Field name="Id" value={<span className="mono">{task.id}</span>} />
            <Field name="Status" value={task.status} />
            <Field name="Model" value={task.model} />
            {task.provider && <Field name="Provider" value={task.provider} />}
            {task.fallbackModels && <Field name="Fallback models" value={task.fallbackModels.join(", ")} />}
            <Field name="Stop reason" value={task.stopReason ?? "—"} />
            <Field name="Priority" value={<PriorityBadge priority={task.priority} />} />
            <Field
              name="Mode"
              value={
                task.mode === "batch" ? (
                  <>batch{task.batchId && <span className="mono muted"> · {task.batchId}</span>}</>
                ) : (
                  "now"
                )
              }
            />
            {task.waiting && live && (
              <Field
                name="Waiting"
                value={`${task.waiting.reason} in ${task.waiting.lane} since ${dateTime(task.waiting.since)}${task.waiting.until ? `, until ${dateTime(task.waiting.until)}` : ""}`}
              />
            )}
            <Field name="Max tokens" value={count(task.maxTokens)} />
            <Field name="Temperature" value={task.temperature ?? "default"} />
            <Field name="Attempts" value={`${task.attempts} of ${task.maxAttempts}`} />
            <Field name="Timeout" value={`${task.timeoutSeconds} s`} />
            <Field name="Run at" value={task.runAt ? dateTime(task.runAt) : "at once"} />
            <Field name="Created" value={dateTime(task.createdAt)} />
            <Field name="Started" value={dateTime(task.startedAt)} />
            <Field name="Finished" value={dateTime(task.finishedAt)} />
            <Field name="Duration" value={ran === null ? "—" : duration(ran)} />
            <Field name="Updated" value={dateTime(task.updatedAt)} />
            <Field name="Usage" value={task.usage ? usageText(task.usage) : "not yet reported"} />
            <Field name="Cost" value={costText(task)} />
            {task.quarantinedSeq !== null && <Field name="Quarantined event" value={`#${task.quarantinedSeq}`} />}
          </dl>
          <h2>Metadata</h2>
          {Object.keys(task.metadata).length > 0 ? (
            <pre className="text-block mono">{JSON.stringify(task.metadata, null, 2)}</pre>
          ) : (
            <p className="muted">None.</p>
          )}
          <h2>Family</h2>
          <TaskTree task={task} />
          <CurlPanel task={task} />
        </aside>
      </div>
    </section>
  );
}

/** Tokens in and out, and the prompt cache's writes and reads when the provider reported any. */
function usageText(u: NonNullable<Task["usage"]>): string {
  const parts = [`${count(u.inputTokens)} in`, `${count(u.outputTokens)} out`];
  if (u.cacheCreationInputTokens) parts.push(`${count(u.cacheCreationInputTokens)} cache write`);
  if (u.cacheReadInputTokens) parts.push(`${count(u.cacheReadInputTokens)} cache read`);
  return parts.join(" · ");
}

/** Every attempt's cost by the price table; a call to a model it does not know (the fake's) is not priced. */
function costText(task: Task): string {
  if (task.cached) return `${usd(task.costUsd)} (from the result cache)`;
  if (task.costUsd > 0) return usd(task.costUsd);
  if (!task.usage) return "—";
  return task.usage.inputTokens + task.usage.outputTokens > 0 ? "$0 (its model is not in the price table)" : "$0";
}

function Field({ name, value }: { name: string; value: React.ReactNode }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Only what the task's state allows: cancel while it is not finished, retry once failed, chain unless dead. */
function Actions({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState("");
  // The answer may arrive after the WebSocket has already pushed what followed: the newer version stays.
  const update = (t: Task) => queryClient.setQueryData<Task>(["task", t.id], (held) => (isNewer(t, held) ? t : held));
  const cancel = useMutation({
    mutationFn: (why: string) => viaClient(taskjet.cancel(task.id, why || undefined)),
    onSuccess: (t) => {
      update(t);
      setCancelling(false);
    },
  });
  const retry = useMutation({
    mutationFn: () => viaClient(taskjet.retry(task.id)),
    onSuccess: update,
  });
  const canCancel = !TERMINAL.has(task.status);
  const canRetry = task.status === "failed";
  const canChain = task.status !== "failed" && task.status !== "cancelled";
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    cancel.mutate(reason.trim());
  };
  return (
    <div className="task-actions">
      <div className="buttons">
        {canCancel && !cancelling && (
          <button type="button" className="danger" onClick={() => setCancelling(true)}>
            Cancel task…
          </button>
        )}
        {canRetry && (
          <button type="button" className="primary" onClick={() => retry.mutate()} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : "Retry"}
          </button>
        )}
        {canChain && (
          <Link className="button" to={`/new?chainFrom=${task.id}`}>
            Chain from this task
          </Link>
        )}
        <Link className="button" to={`/new?from=${task.id}`}>
          Run again with edits
        </Link>
      </div>
      {cancelling && canCancel && (
        <form className="cancel-form" onSubmit={confirm} aria-label="Cancel this task">
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="no longer needed" />
          </label>
          <button type="submit" className="danger" disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Confirm cancel"}
          </button>
          <button type="button" onClick={() => setCancelling(false)}>
            Keep running
          </button>
        </form>
      )}
      {cancel.error && <Problem error={cancel.error} title="Not cancelled" />}
      {retry.error && <Problem error={retry.error} title="Not retried" />}
    </div>
  );
}
