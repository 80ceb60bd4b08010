import { assertNever } from "../envelope.ts";
import type { TaskEvent } from "../events.ts";
import type { TaskState } from "../state.ts";
import {
  type AbortAttempt,
  type BatchAttempt,
  type CompleteAttempt,
  decideAbortAttempt,
  decideBatchAttempt,
  decideCompleteAttempt,
  decideFailAttempt,
  decideStartAttempt,
  decideWaitForLane,
  type FailAttempt,
  type StartAttempt,
  type WaitForLane,
} from "./attempts.ts";
import {
  type AwaitParent,
  decideAwaitParent,
  decideQueue,
  decideSchedule,
  decideSettleChild,
  type QueueTask,
  type ScheduleTask,
  type SettleChild,
} from "./scheduling.ts";
import {
  type CancelTask,
  type CreateTask,
  decideCancel,
  decideCreate,
  decideRetry,
  type RetryTask,
} from "./task-commands.ts";

/** Everything a service can ask of a task: the gateway's commands, the scheduler's and executor's triggers. */
export type Command =
  | CreateTask
  | CancelTask
  | RetryTask
  | ScheduleTask
  | QueueTask
  | SettleChild
  | AwaitParent
  | WaitForLane
  | StartAttempt
  | BatchAttempt
  | CompleteAttempt
  | FailAttempt
  | AbortAttempt;

/**
 * The events a command leads to, given the task as its events say it is (null: no such task) — none when it
 * is a no-op — or the error that refuses it. Pure: time comes in as `now`. The executor's commands carry their
 * attempt and ignore `state`.
 */
export function decide(command: Command, state: TaskState | null, now: Date): TaskEvent[] {
  switch (command.type) {
    case "CreateTask":
      return decideCreate(command, state, now);
    case "CancelTask":
      return decideCancel(command, state, now);
    case "RetryTask":
      return decideRetry(command, state, now);
    case "ScheduleTask":
      return decideSchedule(command, state, now);
    case "QueueTask":
      return decideQueue(command, state, now);
    case "SettleChild":
      return decideSettleChild(command, state, now);
    case "AwaitParent":
      return decideAwaitParent(command, state, now);
    case "WaitForLane":
      return decideWaitForLane(command, now);
    case "StartAttempt":
      return decideStartAttempt(command, now);
    case "BatchAttempt":
      return decideBatchAttempt(command, now);
    case "CompleteAttempt":
      return decideCompleteAttempt(command, now);
    case "FailAttempt":
      return decideFailAttempt(command, now);
    case "AbortAttempt":
      return decideAbortAttempt(command, now);
    default:
      return assertNever(command);
  }
}
