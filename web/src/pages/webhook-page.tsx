import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { components } from "@taskjet/client";
import { client, unwrap } from "../api/client.ts";
import { Empty, Problem } from "../components/problem.tsx";
import { dateTime, excerpt } from "../format.ts";
import { Link } from "../router.tsx";

type Attempt = components["schemas"]["WebhookDeliveryAttempt"];

/** `/webhooks/<id>`: one subscription and every try at delivering to it, newest first, paged. */
export function WebhookPage({ id }: { id: string }) {
  const webhook = useQuery({
    queryKey: ["webhook", id],
    queryFn: () => unwrap(client.GET("/webhooks/{id}", { params: { path: { id } } })),
  });
  const deliveries = useInfiniteQuery({
    queryKey: ["webhook-deliveries", id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET("/webhooks/{id}/deliveries", {
          params: { path: { id }, query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5000,
  });
  const attempts = deliveries.data?.pages.flatMap((p) => p.deliveries) ?? [];
  return (
    <section className="page wide">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/webhooks">Webhooks</Link> / <span className="mono">{id}</span>
      </nav>
      {webhook.isError && <Problem error={webhook.error} title="Cannot show this webhook" />}
      {webhook.data && (
        <>
          <h1 className="mono">{webhook.data.url}</h1>
          <p className="muted">
            {webhook.data.enabled ? "Enabled" : "Disabled"} · {webhook.data.events.join(", ")} · created{" "}
            {dateTime(webhook.data.createdAt)}
          </p>
        </>
      )}
      <h2>Deliveries</h2>
      {deliveries.isError && <Problem error={deliveries.error} title="Cannot list the deliveries" />}
      {deliveries.isSuccess && attempts.length === 0 && (
        <Empty title="No deliveries yet">Each try shows here once a task event of the chosen types happens.</Empty>
      )}
      {attempts.length > 0 && (
        <table className="tasks deliveries">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Task</th>
              <th>Try</th>
              <th>Outcome</th>
              <th className="num">Latency</th>
              <th>Answer</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <AttemptRow key={a.id} attempt={a} />
            ))}
          </tbody>
        </table>
      )}
      {deliveries.hasNextPage && (
        <div className="table-foot">
          <button
            type="button"
            onClick={() => void deliveries.fetchNextPage()}
            disabled={deliveries.isFetchingNextPage}
          >
            {deliveries.isFetchingNextPage ? "Loading…" : "Older deliveries"}
          </button>
        </div>
      )}
    </section>
  );
}

function AttemptRow({ attempt: a }: { attempt: Attempt }) {
  const tone =
    a.outcome === "delivered" ? "status-completed" : a.outcome === "gave_up" ? "status-failed" : "status-retrying";
  return (
    <tr title={`webhook-id ${a.webhookId}`}>
      <td>{dateTime(a.attemptedAt)}</td>
      <td className="mono">{a.eventType}</td>
      <td>
        <Link to={`/tasks/${a.taskId}`} className="mono">
          {a.taskId.slice(0, 8)}
        </Link>
      </td>
      <td>{a.attempt}</td>
      <td>
        <span className={`status ${tone}`}>{a.outcome.replace("_", " ")}</span>{" "}
        {a.statusCode !== null ? (
          <span className="mono">{a.statusCode}</span>
        ) : (
          <span className="small">{a.error}</span>
        )}
      </td>
      <td className="num">{a.latencyMs === null ? "—" : `${a.latencyMs} ms`}</td>
      <td className="small mono">{excerpt(a.responseExcerpt ?? "", 80)}</td>
    </tr>
  );
}
