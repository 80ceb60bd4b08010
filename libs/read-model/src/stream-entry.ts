import type { TaskEvent, TaskState } from "@taskjet/events";

/** One message of the stream as the projector reads it: an event, or bytes that are not one. */
export type StreamEntry = { seq: number; subject: string; time: string } & (
  | { event: TaskEvent }
  | { undecodable: string }
);

/** One version of a task the batch wrote, in stream order: what the gateways push to WebSocket clients. */
export type Projected = { taskId: string; seq: number; state: TaskState };
