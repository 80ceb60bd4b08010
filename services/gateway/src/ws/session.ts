import { type DecodedMessage, isTerminal, type OutputDelta, type TaskState } from "@taskjet/events";
import type { FastifyBaseLogger } from "fastify";
import type { WebSocket } from "ws";
import { toResource } from "../task-view.ts";
import type { ServerMessage } from "./protocol.ts";

/** Close code for a client that does not read fast enough: its buffer passed the limit. */
export const CLOSE_SLOW_CONSUMER = 1013;
/** How long output is still followed after a task finished, for deltas still in flight. */
const OUTPUT_TAIL_MS = 5000;

type Follower = { stop(): Promise<void> };

/**
 * One WebSocket client: what it follows, the sequence it has seen per task (a push never goes backwards or
 * repeats), output followers, and a bounded send buffer — a slow client is closed, never waited for.
 */
export function createSession(opts: {
  socket: WebSocket;
  tenant: string;
  /** The API key it authenticated with; null with auth off. */
  keyId: string | null;
  maxBufferedBytes: number;
  log: FastifyBaseLogger;
  follow: (taskId: string, onDelta: (d: DecodedMessage<OutputDelta>) => void) => Promise<Follower>;
  /** A task with its claim-checked input and reply fetched back from the object store. */
  resolve: (state: TaskState) => Promise<TaskState>;
}) {
  const { socket, tenant, log } = opts;
  const taskIds = new Set<string>();
  let all = false;
  const seen = new Map<string, number>();
  const followers = new Map<string, Promise<Follower>>();
  let closed = false;

  function send(message: ServerMessage) {
    if (closed) return;
    if (socket.bufferedAmount > opts.maxBufferedBytes) {
      log.warn({ tenant, buffered: socket.bufferedAmount }, "closing a slow WebSocket client");
      socket.close(CLOSE_SLOW_CONSUMER, "slow consumer: send buffer full");
      void close();
      return;
    }
    socket.send(JSON.stringify(message));
  }

  // A task whose bodies are in the object store is sent once they are fetched; the tasks pushed after it wait
  // their turn, so a client still gets every version in order. The rest go out at once.
  let fetching = 0;
  let sent = Promise.resolve();
  function sendTask(state: TaskState) {
    if (fetching === 0 && state.inputRef === undefined && state.outputRef === null) {
      return send({ type: "task", task: toResource(state) });
    }
    fetching++;
    sent = sent
      .then(() => opts.resolve(state))
      .then(
        (full) => send({ type: "task", task: toResource(full) }),
        (err: unknown) => log.warn({ taskId: state.id, err }, "a task's stored body could not be read; not sent"),
      )
      .finally(() => fetching--);
  }

  function stopFollowing(taskId: string) {
    const f = followers.get(taskId);
    followers.delete(taskId);
    void f?.then((x) => x.stop()).catch(() => undefined);
  }

  async function close() {
    if (closed) return;
    closed = true;
    for (const id of [...followers.keys()]) stopFollowing(id);
    taskIds.clear();
  }

  return {
    tenant,
    keyId: opts.keyId,
    get all() {
      return all;
    },
    /** Closed: the socket went away, and nothing more is read or sent for it. */
    get closed() {
      return closed;
    },
    /** How many task ids this client follows by id. */
    get followedIds() {
      return taskIds.size;
    },
    /** Of these ids, how many it does not follow yet. */
    newIds(ids: readonly string[]) {
      return new Set(ids.filter((id) => !taskIds.has(id))).size;
    },
    wants(taskId: string, taskTenant: string) {
      return !closed && (taskIds.has(taskId) || (all && taskTenant === tenant));
    },
    subscribe(ids: string[], everything: boolean) {
      for (const id of ids) taskIds.add(id);
      if (everything) all = true;
    },
    unsubscribe(ids: string[], everything: boolean) {
      for (const id of ids) {
        taskIds.delete(id);
        stopFollowing(id);
      }
      if (everything) all = false;
    },
    /**
     * Sends a task unless this client already has that version or a newer one, and follows its output once the
     * client follows it by id — even when the version itself is not new: a client subscribed to `all` got it
     * from that snapshot, then asks for the task by id for its output.
     */
    pushTask(state: TaskState, seq: number) {
      if (closed || state.tenant !== tenant) return;
      const last = seen.get(state.id) ?? -1;
      if (seq > last || seq === 0) {
        seen.set(state.id, seq);
        sendTask(state);
      }
      if (taskIds.has(state.id) && !followers.has(state.id)) {
        followers.set(
          state.id,
          opts.follow(state.id, (d) => {
            // Output is best-effort (the final text is in TaskCompleted): a delta that cannot be read is dropped.
            if (d.ok) send({ type: "delta", ...d.message });
            else log.warn({ taskId: state.id, reason: d.reason }, "unreadable output delta; dropped");
          }),
        );
      }
      if (isTerminal(state.status) && followers.has(state.id)) {
        setTimeout(() => stopFollowing(state.id), OUTPUT_TAIL_MS).unref();
      }
    },
    send,
    close,
  };
}
export type Session = ReturnType<typeof createSession>;
