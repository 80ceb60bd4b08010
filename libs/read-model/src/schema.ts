import type {
  BodyRef,
  OutputBlock,
  Priority,
  RequestOptions,
  TaskError,
  TaskState,
  TaskStatus,
  Usage,
} from "@taskjet/events";
import type { ColumnType, Generated, Kysely } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** A bigint column: pg returns it as a string, so that no sequence loses precision on the way. */
type Seq = ColumnType<string, number | string, number | string>;

/** The read model: one row per task, the state `evolve` folded, plus the stream sequence it folded up to. */
export type TasksTable = {
  id: string;
  status: TaskStatus;
  tenant: string;
  idempotencyKey: string | null;
  parentId: string | null;
  parentIds: ColumnType<string[], string | undefined, string>;
  onParentFailure: ColumnType<
    TaskState["onParentFailure"],
    TaskState["onParentFailure"] | undefined,
    TaskState["onParentFailure"]
  >;
  depth: ColumnType<number, number | undefined, number>;
  /** The schedule that fired it and the tick it fired for (migration 010); null otherwise. */
  scheduleId: ColumnType<string | null, string | null | undefined, string | null>;
  scheduledFor: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  prompt: string;
  system: Json<TaskState["system"]>;
  /** The request's options past the simple five (`RequestOptions`), `{}` for a simple task. */
  options: ColumnType<RequestOptions, string | undefined, string>;
  model: string;
  maxTokens: number;
  temperature: number | null;
  runAt: Timestamp | null;
  metadata: Json<Record<string, unknown>>;
  priority: ColumnType<Priority, Priority | undefined, Priority>;
  waiting: Json<TaskState["waiting"]>;
  /** The task's own webhook (`{url, events?}`), null for none. */
  webhook: ColumnType<TaskState["webhook"], string | undefined, string>;
  maxAttempts: number;
  timeoutMs: number;
  gen: number;
  attempts: number;
  output: string | null;
  content: Json<OutputBlock[] | null>;
  outputRef: Json<BodyRef | null>;
  error: Json<TaskError | null>;
  usage: Json<Usage | null>;
  costUsd: number;
  cached: boolean;
  stopReason: string | null;
  cancelReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
  /** The stream sequence of the last event folded into this row; replays at or below it are no-ops. */
  seq: Seq;
  /** The sequence of this task's latest event that was quarantined instead of applied, if any. */
  quarantinedSeq: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  /** When the task's events are due to leave the stream (FINISHED_HISTORY_SECONDS); null: not scheduled. */
  historyPurgeAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When they left it; the row is then the only record of the task. */
  historyPurgedAt: ColumnType<Date | null, Date | null | undefined, Date | null>;
};

/** Why an event was quarantined: not an event, for a task with no creating event, or Postgres refused it. */
export const QUARANTINE_REASONS = ["undecodable", "unknown_task", "refused"] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** An event the projector could not apply: recorded with its sequence and error, then passed over. */
export type QuarantineTable = {
  seq: Seq;
  subject: string;
  taskId: string | null;
  type: string | null;
  reason: QuarantineReason;
  error: string;
  quarantinedAt: Timestamp;
};

export type CheckpointsTable = {
  name: string;
  seq: Seq;
  updatedAt: Timestamp;
};

/** One try at delivering a webhook: what was sent where, and what came back (or why nothing did). */
export type WebhookDeliveriesTable = {
  id: Generated<string>;
  tenant: string;
  /** `task` for a task's own webhook, else the subscription's id. */
  target: string;
  webhookId: string;
  taskId: string;
  eventType: string;
  url: string;
  attempt: number;
  /** `delivered` (2xx), `failed` (tried again later), `gave_up` (the last try, a day after the first). */
  outcome: "delivered" | "failed" | "gave_up";
  statusCode: number | null;
  error: string | null;
  latencyMs: number | null;
  responseExcerpt: string | null;
  attemptedAt: Timestamp;
};

export type Database = {
  tasks: TasksTable;
  checkpoints: CheckpointsTable;
  quarantine: QuarantineTable;
  webhookDeliveries: WebhookDeliveriesTable;
};
export type Db = Kysely<Database>;
