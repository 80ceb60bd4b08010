import type { JetStreamClient } from "@nats-io/jetstream";
import { encodeMessage, OutputDelta, type Subjects } from "@taskjet/events";

/**
 * Coalesces streamed text into deltas on `output.<taskId>`: one publish per ~flushMs or maxChars, each with
 * its index, so a subscriber can replay then follow without gaps or duplicates.
 */
export function outputPublisher(
  js: JetStreamClient,
  subjects: Subjects,
  at: { taskId: string; gen: number; attempt: number },
  opts = { flushMs: 75, maxChars: 4096 },
) {
  let buffer = "";
  let index = 0;
  let timer: NodeJS.Timeout | null = null;
  const inFlight: Promise<unknown>[] = [];

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer === "") return;
    const delta: OutputDelta = { ...at, index: index++, text: buffer };
    buffer = "";
    const msgID = `${at.taskId}:${at.gen}:${at.attempt}:${delta.index}`;
    const data = encodeMessage(OutputDelta, delta);
    inFlight.push(js.publish(subjects.output(at.taskId), data, { msgID }).catch(() => undefined));
  }

  return {
    write(text: string) {
      buffer += text;
      if (buffer.length >= opts.maxChars) flush();
      else timer ??= setTimeout(flush, opts.flushMs);
    },
    /** Flushes what is left and waits for every delta to be stored. */
    async close() {
      flush();
      await Promise.all(inFlight);
    },
  };
}
