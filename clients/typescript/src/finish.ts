// One task followed to its end over the live socket: `stream` hands on every event until the task has finished
// and its output has all come; `wait` resolves with the finished version. Both close their socket when done.
import { TaskjetError, TimeoutError } from "./errors.ts";
import { isTerminal, type LiveEvent, type Task } from "./types.ts";

/** Opens the live events of one task, ending when `signal` aborts. */
export type OpenLive = (signal: AbortSignal) => AsyncGenerator<LiveEvent>;

/** How long `stream` waits, after the task finished, for the rest of its output (gone when older than TASK_OUTPUT keeps). */
const OUTPUT_TAIL_MS = 2000;

/** An AbortController that also aborts with `outer`, and a function that stops listening to it. */
function linked(outer: AbortSignal | undefined) {
  const inner = new AbortController();
  const stop = () => inner.abort(outer?.reason);
  if (outer?.aborted) stop();
  else outer?.addEventListener("abort", stop, { once: true });
  return { inner, unlink: () => outer?.removeEventListener("abort", stop) };
}

export async function* streamToEnd(open: OpenLive, signal?: AbortSignal): AsyncGenerator<LiveEvent> {
  const { inner, unlink } = linked(signal);
  let finished: Task | null = null;
  let tail: ReturnType<typeof setTimeout> | undefined;
  const text = new Map<string, string>(); // per generation and attempt: the answer text so far
  let latest = "";
  try {
    for await (const event of open(inner.signal)) {
      yield event;
      if (event.type === "delta") {
        latest = `${event.gen}.${event.attempt}`;
        if ((event.kind ?? "text") === "text") text.set(latest, (text.get(latest) ?? "") + event.text);
      } else if (isTerminal(event.task.status)) {
        finished = event.task;
        tail ??= setTimeout(() => inner.abort(), OUTPUT_TAIL_MS);
      }
      if (finished && (finished.status !== "completed" || (text.get(latest) ?? "") === (finished.output ?? ""))) {
        return;
      }
    }
  } finally {
    clearTimeout(tail);
    unlink();
    inner.abort();
  }
}

export async function waitToEnd(
  open: OpenLive,
  id: string,
  options: { timeout?: number; since?: string; signal?: AbortSignal },
): Promise<Task> {
  const since = options.since === undefined ? 0 : Date.parse(options.since);
  const { inner, unlink } = linked(options.signal);
  let timedOut = false;
  const timer =
    options.timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          inner.abort();
        }, options.timeout);
  try {
    for await (const event of open(inner.signal)) {
      if (event.type !== "task" || !isTerminal(event.task.status)) continue;
      if (Date.parse(event.task.updatedAt) >= since) return event.task;
    }
    if (timedOut) {
      throw new TimeoutError(0, { code: "timeout", message: `task ${id} did not finish within ${options.timeout} ms` });
    }
    throw options.signal?.reason ?? new TaskjetError(0, { code: "aborted", message: "wait was aborted" });
  } finally {
    clearTimeout(timer);
    unlink();
    inner.abort();
  }
}
