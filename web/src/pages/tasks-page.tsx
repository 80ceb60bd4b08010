import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from "react";
import { type Task, type TaskStatus, taskjet, viaClient } from "../api/client.ts";
import { useStats } from "../api/stats.ts";
import { Empty, Problem } from "../components/problem.tsx";
import { PriorityBadge, STATUSES, StatusBadge, statusLabel, TERMINAL, WaitingBadge } from "../components/status.tsx";
import { useNow } from "../components/use-now.ts";
import { age, count, duration, excerpt, runTime, toLocalInput } from "../format.ts";
import { useLiveTasks } from "../live/hooks.ts";
import { live } from "../live/socket.ts";
import { Link, navigate, useLocation } from "../router.tsx";
import { usd, usdCents } from "./cost.ts";
import { promptOf } from "./reply-blocks.tsx";
import { countByStatus, type Filters, filtersFrom, isUuid, mergeRows } from "./task-rows.ts";

const PAGE_SIZE = 500;
const ROW_HEIGHT = 41;

export function TasksPage() {
  const { query } = useLocation();
  const filters = filtersFrom(query, STATUSES);
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ["tasks", filters],
    queryFn: ({ pageParam }) =>
      viaClient(
        taskjet.page({
          status: filters.status.length > 0 ? filters.status : undefined,
          parentId: filters.parentId,
          scheduleId: filters.scheduleId,
          createdAfter: filters.createdAfter,
          createdBefore: filters.createdBefore,
          limit: PAGE_SIZE,
          cursor: pageParam,
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: Number.POSITIVE_INFINITY, // the WebSocket keeps it current; after a break, onResume refetches
  });
  // After a break in the connection, the pages are fetched again too: a safety net under `since`.
  const { tasks: pushed, version } = useLiveTasks(() => void queryClient.invalidateQueries({ queryKey: ["tasks"] }));
  const pages = useMemo(() => list.data?.pages.map((p) => p.tasks) ?? [], [list.data]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` says the pushed map changed in place
  const rows = useMemo(
    () => mergeRows(pages, pushed, filters, list.hasNextPage),
    [pages, pushed, version, JSON.stringify(filters), list.hasNextPage],
  );
  useEffect(() => {
    for (const page of pages) for (const t of page) live.sawChange(t.updatedAt);
  }, [pages]);
  useEffect(() => {
    if (rows.length > 0) performance.mark("taskjet:rows-rendered", { detail: { rows: rows.length } });
  }, [rows]);
  const counts = useMemo(() => countByStatus(rows), [rows]);
  const stats = useStats();
  const filtered = query.toString() !== "";
  return (
    <section className="page wide tasks-page">
      <div className="page-head">
        <h1>Tasks</h1>
        <Link to="/new" className="button primary">
          New task
        </Link>
      </div>
      <FilterBar filters={filters} query={query} totals={stats.data?.countsByStatus} />
      {filters.scheduleId && (
        <p className="lead">
          The tasks schedule <Link to="/schedules">{filters.scheduleId.slice(0, 8)}</Link> fired ·{" "}
          <Link to="/tasks">all tasks</Link>
        </p>
      )}
      <p className="counts">
        {count(rows.length)} {rows.length === 1 ? "task" : "tasks"}
        {list.hasNextPage ? " loaded (more on the server)" : ""}
        {STATUSES.filter((s) => counts.get(s)).map((s) => (
          <span key={s} className={`count status-${s}`}>
            {" · "}
            {count(counts.get(s) ?? 0)} {statusLabel(s)}
          </span>
        ))}
      </p>
      {list.isError && <Problem error={list.error} title="Cannot load tasks" />}
      {list.isPending && <p className="loading">Loading tasks…</p>}
      {list.isSuccess && rows.length === 0 && (
        <Empty title={filtered ? "No task matches these filters" : "No tasks yet"}>
          {filtered ? (
            <Link to="/tasks">Clear the filters</Link>
          ) : (
            <p>
              <Link to="/new">Submit one</Link>, or from a shell:{" "}
              <code>{`curl -X POST ${location.origin}/tasks -H 'content-type: application/json' -d '{"prompt":"Hello"}'`}</code>
              . It shows up here the moment it is accepted.
            </p>
          )}
        </Empty>
      )}
      {rows.length > 0 && (
        <TaskTable
          rows={rows}
          more={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          loadMore={() => void list.fetchNextPage()}
        />
      )}
    </section>
  );
}

function FilterBar(props: {
  filters: Filters;
  query: URLSearchParams;
  totals: Partial<Record<string, number>> | undefined;
}) {
  const { filters, query, totals } = props;
  const [parent, setParent] = useState(query.get("parentId") ?? "");
  const setParam = (name: string, value: string) => {
    const q = new URLSearchParams(query);
    if (value) q.set(name, value);
    else q.delete(name);
    navigate(`/tasks${q.size > 0 ? `?${q}` : ""}`, { replace: true });
  };
  const toggle = (s: TaskStatus) => {
    const next = filters.status.includes(s) ? filters.status.filter((x) => x !== s) : [...filters.status, s];
    setParam("status", next.join(","));
  };
  const parentBad = parent !== "" && !isUuid(parent);
  return (
    <div className="filters">
      <fieldset className="status-filter">
        <legend>Status (all your tasks)</legend>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={`chip status-${s}`}
            aria-pressed={filters.status.includes(s)}
            onClick={() => toggle(s)}
          >
            {statusLabel(s)}
            {totals && <span className="chip-count">{count(totals[s] ?? 0)}</span>}
          </button>
        ))}
      </fieldset>
      <label>
        Parent task
        <input
          value={parent}
          placeholder="task id"
          aria-invalid={parentBad}
          onChange={(e) => {
            setParent(e.target.value);
            const v = e.target.value.trim();
            if (v === "" || isUuid(v)) setParam("parentId", v);
          }}
        />
        {parentBad && <small className="field-problem">a task id is a UUID</small>}
      </label>
      <label>
        Created after
        <input
          type="datetime-local"
          value={query.get("after") ?? ""}
          onChange={(e) => setParam("after", e.target.value)}
        />
      </label>
      <label>
        Created before
        <input
          type="datetime-local"
          value={query.get("before") ?? ""}
          max={toLocalInput(new Date(Date.now() + 86_400_000).toISOString())}
          onChange={(e) => setParam("before", e.target.value)}
        />
      </label>
    </div>
  );
}

function TaskTable(props: { rows: Task[]; more: boolean; loadingMore: boolean; loadMore: () => void }) {
  const { rows, more, loadingMore, loadMore } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState(0);
  const now = useNow(1000);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (more && !loadingMore && lastShown >= rows.length - 50) loadMore();
  }, [more, loadingMore, lastShown, rows.length, loadMore]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setSelected(i);
    virtualizer.scrollToIndex(i, { align: "auto" });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      j: () => move(selected + 1),
      ArrowDown: () => move(selected + 1),
      k: () => move(selected - 1),
      ArrowUp: () => move(selected - 1),
      PageDown: () => move(selected + page),
      PageUp: () => move(selected - page),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      Enter: () => {
        const t = rows[selected];
        if (t) navigate(`/tasks/${t.id}`);
      },
    };
    const action = keys[e.key];
    if (action && !e.metaKey && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      action();
    }
  };
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const active = rows[selected];
  return (
    <>
      <div ref={scroller} className="table-scroll">
        <table
          className="tasks"
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table that takes keys is a grid (ARIA grid pattern)
          role="grid"
          tabIndex={0}
          onKeyDown={onKeyDown}
          aria-label="Tasks"
          aria-description="j or k (or the arrows) to move, Enter to open"
          aria-activedescendant={active ? `row-${active.id}` : undefined}
          aria-rowcount={rows.length + 1}
        >
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Prompt</th>
              <th scope="col" className="col-model">
                Model
              </th>
              <th scope="col" className="col-priority">
                Priority
              </th>
              <th scope="col" className="num col-attempts">
                Attempts
              </th>
              <th scope="col" className="num col-tokens">
                Tokens
              </th>
              {/* Hidden with the tokens on a narrow screen: the two say the same thing in other units. */}
              <th scope="col" className="num col-tokens">
                Cost
              </th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col" className="num col-duration">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {before > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing for the rows not rendered
              <tr aria-hidden="true" style={{ height: before }}>
                <td colSpan={9} />
              </tr>
            )}
            {items.map((item) => {
              const t = rows[item.index];
              if (!t) return null;
              const ran = runTime(t, now);
              return (
                <tr
                  key={t.id}
                  id={`row-${t.id}`}
                  aria-rowindex={item.index + 2}
                  aria-selected={item.index === selected}
                  className={item.index === selected ? "selected" : undefined}
                  data-task-id={t.id}
                  onClick={() => {
                    setSelected(item.index);
                    navigate(`/tasks/${t.id}`);
                  }}
                  style={{ height: ROW_HEIGHT }}
                >
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td className="prompt">
                    {t.waiting && !TERMINAL.has(t.status) && <WaitingBadge waiting={t.waiting} />}
                    <Link to={`/tasks/${t.id}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                      {excerpt(promptOf(t), 140)}
                    </Link>
                  </td>
                  <td className="col-model">
                    {t.model}
                    {t.mode === "batch" && (
                      <span className="mode-badge" title={t.batchId ? `in batch ${t.batchId}` : "batch mode"}>
                        batch
                      </span>
                    )}
                  </td>
                  <td className="col-priority">
                    <PriorityBadge priority={t.priority} />
                  </td>
                  <td className="num col-attempts">
                    {t.attempts}/{t.maxAttempts}
                  </td>
                  <td className="num col-tokens">
                    {t.usage ? count(t.usage.inputTokens + t.usage.outputTokens) : "—"}
                  </td>
                  <td className="num col-tokens" title={t.costUsd > 0 ? usd(t.costUsd) : undefined}>
                    {t.costUsd > 0 ? usdCents(t.costUsd) : "—"}
                  </td>
                  <td className="num">{age(t.createdAt, now)}</td>
                  <td className="num col-duration">{ran === null ? "—" : duration(ran)}</td>
                </tr>
              );
            })}
            {after > 0 && (
              // biome-ignore lint/a11y/noAriaHiddenOnFocusable: an empty spacer row standing for the rows not rendered
              <tr aria-hidden="true" style={{ height: after }}>
                <td colSpan={9} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="table-foot">
        {more ? (
          <button type="button" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? "Loading…" : `Load more (${count(rows.length)} loaded)`}
          </button>
        ) : (
          <span className="muted">All {count(rows.length)} shown</span>
        )}
      </div>
    </>
  );
}
