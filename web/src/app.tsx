import { useEffect } from "react";
import { ConnectionIndicator } from "./components/connection.tsx";
import { KeyDialog } from "./components/key-dialog.tsx";
import { ThemeToggle } from "./components/theme.tsx";
import { OverviewPage } from "./pages/overview-page.tsx";
import { SchedulesPage } from "./pages/schedules-page.tsx";
import { SubmitPage } from "./pages/submit-page.tsx";
import { TaskPage } from "./pages/task-page.tsx";
import { TasksPage } from "./pages/tasks-page.tsx";
import { WebhookPage } from "./pages/webhook-page.tsx";
import { WebhooksPage } from "./pages/webhooks-page.tsx";
import { Link, matchRoute, useLocation } from "./router.tsx";

const TITLES = {
  tasks: "Tasks",
  task: "Task",
  new: "New task",
  overview: "Overview",
  schedules: "Schedules",
  webhooks: "Webhooks",
  webhook: "Webhook",
  "not-found": "Not found",
};

export function App() {
  const { path } = useLocation();
  const route = matchRoute(path);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · Taskjet`;
  }, [route.page]);
  const nav = (to: string, label: string, active: boolean) => (
    <Link to={to} aria-current={active ? "page" : undefined}>
      {label}
    </Link>
  );
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand" aria-label="Taskjet console home">
          <span aria-hidden="true">⚡</span> Taskjet
        </Link>
        <nav aria-label="Console">
          {nav("/tasks", "Tasks", route.page === "tasks" || route.page === "task")}
          {nav("/new", "New task", route.page === "new")}
          {nav("/schedules", "Schedules", route.page === "schedules")}
          {nav("/overview", "Overview", route.page === "overview")}
          {nav("/webhooks", "Webhooks", route.page === "webhooks" || route.page === "webhook")}
        </nav>
        <div className="top-right">
          <ConnectionIndicator />
          <ThemeToggle />
        </div>
      </header>
      <main id="main">
        {route.page === "tasks" && <TasksPage />}
        {route.page === "task" && <TaskPage key={route.id} id={route.id} />}
        {route.page === "new" && <SubmitPage />}
        {route.page === "overview" && <OverviewPage />}
        {route.page === "schedules" && <SchedulesPage />}
        {route.page === "webhooks" && <WebhooksPage />}
        {route.page === "webhook" && <WebhookPage key={route.id} id={route.id} />}
        {route.page === "not-found" && (
          <section className="page">
            <h1>Nothing here</h1>
            <p>
              No console page lives at <code>{path}</code>. Go to the <Link to="/tasks">task list</Link>, or see the API
              at <a href="/docs">/docs</a>.
            </p>
          </section>
        )}
      </main>
      <KeyDialog />
    </>
  );
}
