import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { components } from "@taskjet/client";
import { type FormEvent, useState } from "react";
import { ApiError, client, unwrap } from "../api/client.ts";
import { Empty, Problem } from "../components/problem.tsx";
import { dateTime } from "../format.ts";
import { Link } from "../router.tsx";

type Webhook = components["schemas"]["Webhook"];
type EventType = Webhook["events"][number];
/** Every type a subscription may ask for: a record over the API's own type, so a type it adds fails to compile here. */
const EVENT_TYPE_SET: Record<EventType, true> = {
  "task.submitted": true,
  "task.scheduled": true,
  "task.awaiting_parent": true,
  "task.queued": true,
  "task.started": true,
  "task.retrying": true,
  "task.retry_requested": true,
  "task.completed": true,
  "task.failed": true,
  "task.cancelled": true,
};
const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];
const DEFAULT_EVENTS: EventType[] = ["task.completed", "task.failed", "task.cancelled"];

/** `/webhooks`: the tenant's subscriptions — made here (the secret shown once), switched on and off, deleted. */
export function WebhooksPage() {
  const list = useQuery({ queryKey: ["webhooks"], queryFn: () => unwrap(client.GET("/webhooks")) });
  return (
    <section className="page wide">
      <h1>Webhooks</h1>
      <p className="lead">
        Every event of the chosen types, of every task of yours, is POSTed to the URL, signed as{" "}
        <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> say and retried with backoff for a day.
      </p>
      <CreateWebhook />
      {list.isPending && <p>Loading…</p>}
      {list.isError && <Problem error={list.error} title="Cannot list the webhooks" />}
      {list.data && list.data.webhooks.length === 0 && (
        <Empty title="No webhooks yet">Add one above; a task can also carry its own `webhook`.</Empty>
      )}
      {list.data && list.data.webhooks.length > 0 && (
        <table className="tasks webhooks">
          <thead>
            <tr>
              <th>URL</th>
              <th>Events</th>
              <th>Enabled</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {list.data.webhooks.map((w) => (
              <WebhookRow key={w.id} webhook={w} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CreateWebhook() {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<EventType[]>(DEFAULT_EVENTS);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => unwrap(client.POST("/webhooks", { body: { url, events } })),
    onSuccess: (w) => {
      setSecret(w.secret);
      setUrl("");
      void queryClient.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSecret(null);
    create.mutate();
  };
  const toggle = (t: EventType) => setEvents((held) => (held.includes(t) ? held.filter((x) => x !== t) : [...held, t]));
  const problem = create.error instanceof ApiError ? create.error : null;
  return (
    <form className="task-form webhook-form" onSubmit={submit} aria-label="Add a webhook">
      <div className={`field${problem ? " invalid" : ""}`}>
        <label htmlFor="webhook-url">URL</label>
        <input
          id="webhook-url"
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://hooks.example.com/taskjet"
        />
        {problem && <span className="field-problem">{problem.message}</span>}
      </div>
      <fieldset className="event-types">
        <legend>Events</legend>
        {EVENT_TYPES.map((t) => (
          <label key={t} className="radio">
            <input type="checkbox" checked={events.includes(t)} onChange={() => toggle(t)} /> {t}
          </label>
        ))}
      </fieldset>
      <div className="buttons">
        <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
          {create.isPending ? "Adding…" : "Add webhook"}
        </button>
      </div>
      {create.error && !problem && <Problem error={create.error} title="Not added" />}
      {secret && (
        <div className="note secret" role="status">
          <strong>Signing secret — shown this once:</strong> <code className="mono">{secret}</code>
          <p className="muted small">
            Verify each delivery with it (e.g. `new Webhook(secret).verify(body, headers)`).
          </p>
        </div>
      )}
    </form>
  );
}

function WebhookRow({ webhook }: { webhook: Webhook }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["webhooks"] });
  const patch = useMutation({
    mutationFn: (enabled: boolean) =>
      unwrap(client.PATCH("/webhooks/{id}", { params: { path: { id: webhook.id } }, body: { enabled } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const { response } = await client.DELETE("/webhooks/{id}", { params: { path: { id: webhook.id } } });
      if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, "Not deleted.");
    },
    onSuccess: refresh,
  });
  return (
    <tr>
      <td>
        <Link to={`/webhooks/${webhook.id}`} className="mono">
          {webhook.url}
        </Link>
      </td>
      <td className="small">{webhook.events.join(", ")}</td>
      <td>
        <span className={webhook.enabled ? "status status-completed" : "status status-cancelled"}>
          {webhook.enabled ? "on" : "off"}
        </span>{" "}
        <button type="button" disabled={patch.isPending} onClick={() => patch.mutate(!webhook.enabled)}>
          {webhook.enabled ? "Disable" : "Enable"}
        </button>
      </td>
      <td>{dateTime(webhook.createdAt)}</td>
      <td>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => {
            if (confirm(`Delete the webhook to ${webhook.url}? What is pending for it is dropped.`)) remove.mutate();
          }}
        >
          Delete
        </button>
        {(patch.error || remove.error) && <Problem error={patch.error ?? remove.error} title="Not changed" />}
      </td>
    </tr>
  );
}
