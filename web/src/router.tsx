// A few routes need no router library: the History API, a hook that re-renders on navigation, and a link.
// Console pages share paths with the API only where the gateway answers a browser with the console
// (`/tasks`, `/tasks/:id`, `/webhooks`, `/webhooks/:id`); the others (`/new`, `/overview`) are no API path at all.
import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from "react";

const NAVIGATE = "taskjet:navigate";

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (opts.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATE));
}

function subscribe(listener: () => void) {
  window.addEventListener("popstate", listener);
  window.addEventListener(NAVIGATE, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(NAVIGATE, listener);
  };
}

const current = () => location.pathname + location.search;

export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, current, current);
  const url = new URL(href, "http://console");
  return { path: url.pathname, query: url.searchParams };
}

export type Route =
  | { page: "tasks" }
  | { page: "task"; id: string }
  | { page: "new" }
  | { page: "overview" }
  | { page: "schedules" }
  | { page: "webhooks" }
  | { page: "webhook"; id: string }
  | { page: "not-found" };

export function matchRoute(path: string): Route {
  if (path === "/" || path === "/tasks" || path === "/tasks/") return { page: "tasks" };
  const task = /^\/tasks\/([0-9a-f-]{36})\/?$/i.exec(path);
  if (task?.[1]) return { page: "task", id: task[1] };
  if (path === "/new") return { page: "new" };
  if (path === "/overview") return { page: "overview" };
  if (path === "/schedules" || path === "/schedules/") return { page: "schedules" };
  if (path === "/webhooks" || path === "/webhooks/") return { page: "webhooks" };
  const webhook = /^\/webhooks\/(whsub_[0-9a-f]{16})\/?$/.exec(path);
  if (webhook?.[1]) return { page: "webhook", id: webhook[1] };
  return { page: "not-found" };
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const follow = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={follow} {...rest} />;
}
