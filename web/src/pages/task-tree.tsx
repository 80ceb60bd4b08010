import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { type Task, taskjet, viaClient } from "../api/client.ts";
import { StatusBadge } from "../components/status.tsx";
import { excerpt } from "../format.ts";
import { keepNewer } from "../live/hooks.ts";
import { live } from "../live/socket.ts";
import { Link } from "../router.tsx";
import { promptOf } from "./reply-blocks.tsx";

type ChildrenPage = { tasks: Task[]; nextCursor: string | null };

/** Parent (and a fan-in's other parents) → this task → its children, each with its live status. */
export function TaskTree({ task }: { task: Task }) {
  const queryClient = useQueryClient();
  const parent = useQuery({
    queryKey: ["task", task.parentId],
    queryFn: () => viaClient(taskjet.get(task.parentId ?? "")),
    enabled: task.parentId !== null,
  });
  const children = useQuery({
    queryKey: ["children", task.id],
    queryFn: () => viaClient(taskjet.page({ parentId: task.id, limit: 100 })),
    refetchOnMount: "always", // a child may have been chained from anywhere since
  });
  // Every task of the caller is followed, not just the ones shown: a child chained onto this task from
  // anywhere (another tab, the API, a fan-in) names it among its parents, and then the children are read again.
  useEffect(() => {
    const key = ["children", task.id];
    return live.follow({
      all: true,
      onTask(t) {
        if (t.id === task.parentId) queryClient.setQueryData<Task>(["task", t.id], (h) => keepNewer(t, h));
        if (!t.parentIds.includes(task.id)) return;
        const page = queryClient.getQueryData<ChildrenPage>(key);
        if (page?.tasks.some((c) => c.id === t.id)) {
          const tasks = page.tasks.map((c) => (c.id === t.id ? keepNewer(t, c) : c));
          queryClient.setQueryData<ChildrenPage>(key, { ...page, tasks });
        } else {
          void queryClient.invalidateQueries({ queryKey: key });
        }
      },
      // Subscribed (again): a child made before this moment pushes nothing more, so the list is read again.
      onResume: () => void queryClient.invalidateQueries({ queryKey: key }),
    });
  }, [task.id, task.parentId, queryClient]);
  const kids = children.data?.tasks ?? [];
  return (
    <ul className="tree" aria-label="Parent and children">
      {parent.data ? (
        <li>
          <Node task={parent.data} relation="parent" />
        </li>
      ) : task.parentId ? (
        <li className="muted">parent {task.parentId}</li>
      ) : null}
      {task.parentIds.slice(1).map((id) => (
        <li key={id}>
          <Link to={`/tasks/${id}`}>parent {id}</Link>
        </li>
      ))}
      <li className={task.parentId ? "indent" : undefined}>
        <span className="tree-self">
          <StatusBadge status={task.status} /> this task
        </span>
        {kids.length > 0 ? (
          <ul>
            {kids.map((c) => (
              <li key={c.id}>
                <Node task={c} relation="child" />
              </li>
            ))}
            {children.data?.nextCursor && (
              <li>
                <Link to={`/tasks?parentId=${task.id}`}>all children…</Link>
              </li>
            )}
          </ul>
        ) : (
          <p className="muted small">No chained tasks.</p>
        )}
      </li>
    </ul>
  );
}

function Node({ task, relation }: { task: Task; relation: "parent" | "child" }) {
  return (
    <span className="tree-node">
      <StatusBadge status={task.status} />{" "}
      <Link to={`/tasks/${task.id}`} aria-label={`${relation}: ${excerpt(promptOf(task), 60)}`}>
        {excerpt(promptOf(task), 60)}
      </Link>
    </span>
  );
}
