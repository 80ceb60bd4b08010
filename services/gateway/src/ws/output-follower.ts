import type { JetStreamClient } from "@nats-io/jetstream";
import { type DecodedMessage, decodeMessage, type Names, OutputDelta, type Subjects } from "@taskjet/events";

/**
 * Replays a task's output deltas from the start of TASK_OUTPUT, then follows them live, with an ordered
 * consumer (the server delivers them in order with no gap; a reconnect starts again from the first). `stop`
 * deletes that consumer at once rather than leave it on the server until it expires. Each delta is handed on
 * checked: the follower's owner says what it does with one it cannot read.
 */
export async function followOutput(
  js: JetStreamClient,
  names: Names,
  subjects: Subjects,
  taskId: string,
  onDelta: (d: DecodedMessage<OutputDelta>, seq: number) => void,
): Promise<{ stop(): Promise<void> }> {
  const consumer = await js.consumers.get(names.outputStream, { filter_subjects: subjects.output(taskId) });
  const messages = await consumer.consume({ max_messages: 256 });
  void (async () => {
    for await (const m of messages) onDelta(decodeMessage(OutputDelta, m.data), m.seq);
  })();
  return {
    async stop() {
      await messages.close();
      await consumer.delete().catch(() => undefined);
    },
  };
}
