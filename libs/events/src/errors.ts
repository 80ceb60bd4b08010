import type { TaskStatus } from "./status.ts";

export class TaskNotFoundError extends Error {
  override name = "TaskNotFoundError";
  readonly taskId: string;
  constructor(taskId: string) {
    super(`task ${taskId} not found`);
    this.taskId = taskId;
  }
}

/** A command the task's current status does not allow, e.g. retrying a task that has not failed. */
export class IllegalTransitionError extends Error {
  override name = "IllegalTransitionError";
  readonly taskId: string;
  readonly status: TaskStatus;
  constructor(command: string, taskId: string, status: TaskStatus) {
    super(`cannot ${command} task ${taskId}: it is ${status}`);
    this.taskId = taskId;
    this.status = status;
  }
}
