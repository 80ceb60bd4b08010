// One WebSocket to /ws, followed as an async iterator: it authenticates first when a key is set, subscribes,
// and when the connection breaks it connects again with backoff and subscribes again — ids get their snapshot
// and their output replayed from the start, `all` resumes `since` a little before the latest change seen — and
// hands on only what is new (see merge.ts), so a reconnect costs neither a gap nor a repeat.
import { errorFromSocket, type TaskjetError } from "./errors.ts";
import { createDeltaMerger, createTaskVersions } from "./merge.ts";
import type { Delta, LiveEvent, Task } from "./types.ts";

export type LiveOptions = {
  /** The gateway's /ws URL (ws: or wss:). */
  url: string;
  apiKey?: string;
  WebSocket: typeof WebSocket;
  subscribe: { taskIds: string[] } | { all: true; since?: string };
  /** Ends the iteration (it returns, no error). */
  signal?: AbortSignal;
  backoff?: { baseMs: number; maxMs: number };
};

/** Resume a little before the latest change seen: the services' clocks may disagree by a little. */
const SINCE_MARGIN_MS = 5000;
/** Close codes after which connecting again cannot help. */
const FATAL_CLOSE = new Map([
  [4401, "unauthorized"],
  [4403, "forbidden"],
]);

type ServerMessage =
  | { type: "task"; task: Task }
  | ({ type: "delta" } & Delta)
  | { type: "subscribed" | "authenticated" }
  | { type: "error"; error: { code: string; message: string; details?: unknown } };

export function reconnectDelay(attempt: number, backoff: { baseMs: number; maxMs: number }, random: number) {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt) * (0.5 + random / 2);
}

export async function* followLive(opts: LiveOptions): AsyncGenerator<LiveEvent> {
  const backoff = opts.backoff ?? { baseMs: 250, maxMs: 10_000 };
  const versions = createTaskVersions();
  const mergers = new Map<string, ReturnType<typeof createDeltaMerger>>();
  const queue: LiveEvent[] = [];
  let failure: TaskjetError | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };

  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let opened = false;
  let openedAt = 0;

  const fail = (err: TaskjetError) => {
    failure ??= err;
    notify();
  };

  function subscribeMessage() {
    const s = opts.subscribe;
    if ("taskIds" in s) return { type: "subscribe", taskIds: s.taskIds };
    const from = versions.latestChange || (opened ? openedAt : 0);
    const since = from ? new Date(Math.max(0, from - SINCE_MARGIN_MS)).toISOString() : s.since;
    return since ? { type: "subscribe", all: true, since } : { type: "subscribe", all: true };
  }

  function receive(raw: string) {
    let m: ServerMessage;
    try {
      m = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (m.type === "task") {
      if (versions.accept(m.task)) queue.push({ type: "task", task: m.task });
    } else if (m.type === "delta") {
      const { type: _, ...delta } = m;
      const merger = mergers.get(delta.taskId) ?? createDeltaMerger();
      mergers.set(delta.taskId, merger);
      for (const d of merger.accept(delta)) queue.push({ type: "delta", ...d });
    } else if (m.type === "subscribed") {
      failures = 0;
    } else if (m.type === "error") {
      return fail(errorFromSocket(m.error));
    }
    notify();
  }

  function connect() {
    if (ended) return;
    const ws = new opts.WebSocket(opts.url);
    socket = ws;
    ws.onopen = () => {
      if (opts.apiKey) ws.send(JSON.stringify({ type: "auth", key: opts.apiKey }));
      ws.send(JSON.stringify(subscribeMessage()));
      if (!opened) openedAt = Date.now();
      opened = true;
    };
    ws.onmessage = (e: MessageEvent) => receive(typeof e.data === "string" ? e.data : String(e.data));
    ws.onclose = (e: CloseEvent) => {
      if (socket !== ws || ended) return;
      socket = null;
      const fatal = FATAL_CLOSE.get(e.code);
      if (fatal) return fail(errorFromSocket({ code: fatal, message: e.reason || fatal }));
      timer = setTimeout(connect, reconnectDelay(failures++, backoff, Math.random()));
    };
    ws.onerror = () => undefined; // a close follows, and decides
  }

  const stop = () => {
    ended = true;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    ws?.close();
    notify();
  };
  if (opts.signal?.aborted) return;
  opts.signal?.addEventListener("abort", stop, { once: true });
  connect();
  try {
    while (true) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    opts.signal?.removeEventListener("abort", stop);
    stop();
  }
}
