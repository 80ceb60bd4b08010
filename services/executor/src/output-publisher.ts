import type { JetStreamClient } from "@nats-io/jetstream";
import { type DeltaKind, encodeMessage, OutputDelta, type Subjects } from "@taskjet/events";

/** Which part of the reply a piece belongs to: its kind, and the index of its content block. */
export type DeltaPart = { kind: DeltaKind; block?: number };

/** Deltas one executor sends per second at most, however many calls it streams: past that, the window widens. */
export const DELTAS_PER_SECOND = 4000;
const MIN_WINDOW_MS = 75;
/** The widest window: a watcher of a long reply still sees it move every second. */
const MAX_WINDOW_MS = 1000;

/**
 * How long a call's pieces are coalesced into one delta while `streaming` calls stream at once. 75 ms while the
 * executor is quiet (smooth to a reader); wider under load, so 10,000 calls in flight send no more deltas per
 * second than 300 do — each one a stored message, a PubAck and the garbage of both — and a call that ends
 * inside its first window sends none (issue 17).
 */
export function deltaWindowMs(streaming: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.round((streaming * 1000) / DELTAS_PER_SECOND)));
}

/**
 * Coalesces streamed pieces into deltas on `output.<taskId>`: one publish per ~flushMs or maxChars, or when the
 * reply moves to another block (thinking → text → a tool call's input), each with its index, so a subscriber
 * can replay then follow without gaps or duplicates.
 */
export function outputPublisher(
  js: JetStreamClient,
  subjects: Subjects,
  at: { taskId: string; gen: number; attempt: number },
  opts: { flushMs: number; maxChars?: number },
) {
  let buffer = "";
  let part: DeltaPart = { kind: "text" };
  let index = 0;
  let timer: NodeJS.Timeout | null = null;
  const inFlight: Promise<unknown>[] = [];

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer === "") return;
    const delta: OutputDelta = { ...at, index: index++, text: buffer, ...part };
    buffer = "";
    const msgID = `${at.taskId}:${at.gen}:${at.attempt}:${delta.index}`;
    const data = encodeMessage(OutputDelta, delta);
    inFlight.push(js.publish(subjects.output(at.taskId), data, { msgID }).catch(() => undefined));
  }

  return {
    write(text: string, of: DeltaPart = { kind: "text" }) {
      if (of.kind !== part.kind || of.block !== part.block) {
        flush();
        part = of;
      }
      buffer += text;
      if (buffer.length >= (opts.maxChars ?? 4096)) flush();
      else timer ??= setTimeout(flush, opts.flushMs);
    },
    /**
     * Flushes what is left and waits for every delta to be stored. A call that `completed` inside the first
     * window sends none at all: its TaskCompleted carries the whole output, and the delta would be one more
     * message per task for nobody (issue 17) — a subscriber gets the completed task instead.
     */
    async close(opts: { completed?: boolean } = {}) {
      if (opts.completed && index === 0) {
        if (timer) clearTimeout(timer);
        buffer = "";
      }
      flush();
      await Promise.all(inFlight);
    },
  };
}
