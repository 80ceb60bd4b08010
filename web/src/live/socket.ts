// One WebSocket to /ws for the whole console, shared by every page that follows tasks. It reconnects with
// backoff and, on reconnect, subscribes again: `all` resumes with `since` (just before the latest change it
// saw), ids get their snapshot and their output replayed from the start (the pages drop what they have).
import { auth } from "../api/auth.ts";
import type { Task } from "../api/client.ts";

/** A piece of live output: answer text, thinking, or a tool call's input JSON (`kind`), of block `block`. */
export type Delta = {
  taskId: string;
  gen: number;
  attempt: number;
  index: number;
  text: string;
  kind?: "text" | "thinking" | "tool_input";
  block?: number;
};

export type ConnectionState =
  | { kind: "connecting"; attempt: number }
  | { kind: "live" }
  | { kind: "waiting"; attempt: number; retryAt: number; reason: string };

export type Follower = {
  all?: boolean;
  taskIds?: readonly string[];
  onTask?(task: Task): void;
  onDelta?(delta: Delta): void;
  /** The socket came back after a break: anything fetched over HTTP may be stale. */
  onResume?(): void;
};

/** Resume a little before the latest change seen: clocks of different services may disagree by a little. */
const SINCE_MARGIN_MS = 5000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 15_000;

type ServerMessage =
  | { type: "task"; task: Task }
  | ({ type: "delta" } & Delta)
  | { type: "subscribed"; all?: boolean }
  | { type: "error"; error: { code: string; message: string } };

export function createLiveSocket(url: () => string) {
  const followers = new Set<Follower>();
  const stateListeners = new Set<() => void>();
  let state: ConnectionState = { kind: "connecting", attempt: 0 };
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let latestChange = 0;
  let openedAt = 0;
  let everOpened = false;

  function setState(next: ConnectionState) {
    state = next;
    for (const l of stateListeners) l();
  }

  const send = (message: unknown) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };

  function subscribeIds(ids: readonly string[]) {
    for (let i = 0; i < ids.length; i += 1000) send({ type: "subscribe", taskIds: ids.slice(i, i + 1000) });
  }

  function subscribeAll() {
    // Without a change seen yet, resume from when the last socket opened, so nothing in the gap is lost.
    const from = latestChange || openedAt;
    send(
      everOpened && from ? { type: "subscribe", all: true, since: sinceIso(from) } : { type: "subscribe", all: true },
    );
  }

  function connect() {
    if (socket) return;
    setState({ kind: "connecting", attempt });
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      const resumed = everOpened;
      if (auth.key) ws.send(JSON.stringify({ type: "auth", key: auth.key }));
      if ([...followers].some((f) => f.all)) subscribeAll();
      subscribeIds([...new Set([...followers].flatMap((f) => f.taskIds ?? []))]);
      everOpened = true;
      openedAt = Date.now();
      attempt = 0;
      setState({ kind: "live" });
      // Followers of everything read again once the server confirms the subscription (below).
      if (resumed) for (const f of followers) if (!f.all) f.onResume?.();
    };
    ws.onmessage = (e) => receive(String(e.data));
    ws.onclose = (e) => {
      if (socket !== ws) return;
      socket = null;
      if (e.code === 4401 || e.code === 1008) auth.required();
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt++;
      const reason = e.reason || (everOpened ? "connection lost" : "cannot connect");
      setState({ kind: "waiting", attempt, retryAt: Date.now() + delay, reason });
      retryTimer = setTimeout(connect, delay);
    };
  }

  function receive(raw: string) {
    let message: ServerMessage;
    try {
      message = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === "task") {
      const task = message.task;
      latestChange = Math.max(latestChange, Date.parse(task.updatedAt) || 0);
      for (const f of followers) if (f.all || f.taskIds?.includes(task.id)) f.onTask?.(task);
    } else if (message.type === "delta") {
      for (const f of followers) if (f.taskIds?.includes(message.taskId)) f.onDelta?.(message);
    } else if (message.type === "subscribed" && message.all) {
      // From now on every change is pushed; a list read before this moment may have missed one (a task that
      // finished in between is in no snapshot of live tasks): read it again.
      for (const f of followers) if (f.all) f.onResume?.();
    } else if (message.type === "error" && message.error.code === "unauthorized") {
      auth.required();
    }
  }

  return {
    get state() {
      return state;
    },
    /** Follows tasks until the returned function is called. */
    follow(f: Follower): () => void {
      followers.add(f);
      if (!socket) connect();
      else if (socket.readyState === WebSocket.OPEN) {
        if (f.all) subscribeAll();
        if (f.taskIds?.length) subscribeIds(f.taskIds);
      }
      return () => {
        followers.delete(f);
        const stillFollowed = new Set([...followers].flatMap((x) => x.taskIds ?? []));
        const gone = (f.taskIds ?? []).filter((id) => !stillFollowed.has(id));
        if (gone.length > 0) send({ type: "unsubscribe", taskIds: gone });
        if (f.all && ![...followers].some((x) => x.all)) send({ type: "unsubscribe", all: true });
      };
    },
    /** A change the console learnt over HTTP counts for where to resume from. */
    sawChange(updatedAt: string) {
      latestChange = Math.max(latestChange, Date.parse(updatedAt) || 0);
    },
    /** Try now instead of waiting out the backoff. */
    retryNow() {
      if (socket) return;
      clearTimeout(retryTimer);
      connect();
    },
    onState(listener: () => void) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

const sinceIso = (ms: number) => new Date(Math.max(0, ms - SINCE_MARGIN_MS)).toISOString();

export type LiveSocket = ReturnType<typeof createLiveSocket>;

export const live = createLiveSocket(() => {
  const { protocol, host } = globalThis.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/ws`;
});
