import type { Names, TaskError, TaskState, TaskStatus, Usage } from "@taskjet/events";
import { CamelCasePlugin, type ColumnType, Kysely, PostgresDialect, type Selectable, sql } from "kysely";
import pg from "pg";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { DependencyUnavailableError } from "./nats.ts";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** The read model: one row per task, the state `evolve` folded, plus the stream sequence it folded up to. */
export type TasksTable = {
  id: string;
  status: TaskStatus;
  tenant: string;
  idempotencyKey: string | null;
  parentId: string | null;
  prompt: string;
  system: string | null;
  model: string;
  maxTokens: number;
  temperature: number | null;
  runAt: Timestamp | null;
  metadata: Json<Record<string, unknown>>;
  maxAttempts: number;
  timeoutMs: number;
  gen: number;
  attempts: number;
  output: string | null;
  error: Json<TaskError | null>;
  usage: Json<Usage | null>;
  stopReason: string | null;
  cancelReason: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  startedAt: Timestamp | null;
  finishedAt: Timestamp | null;
  /** The stream sequence of the last event folded into this row; replays at or below it are no-ops. */
  seq: ColumnType<string, number | string, number | string>;
  /** The sequence of this task's latest event that was quarantined instead of applied, if any. */
  quarantinedSeq: ColumnType<string | null, number | string | null | undefined, number | string | null>;
};

/** Why an event was quarantined: not an event, for a task with no creating event, or Postgres refused it. */
export const QUARANTINE_REASONS = ["undecodable", "unknown_task", "refused"] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/** An event the projector could not apply: recorded with its sequence and error, then passed over. */
export type QuarantineTable = {
  seq: ColumnType<string, number | string, number | string>;
  subject: string;
  taskId: string | null;
  type: string | null;
  reason: QuarantineReason;
  error: string;
  quarantinedAt: Timestamp;
};

export type CheckpointsTable = {
  name: string;
  seq: ColumnType<string, number | string, number | string>;
  updatedAt: Timestamp;
};

export type Database = { tasks: TasksTable; checkpoints: CheckpointsTable; quarantine: QuarantineTable };
export type Db = Kysely<Database>;

export type DbOptions = {
  /** Who is connecting (`taskjet-gateway`): Postgres shows it as `application_name`, with the namespace. */
  name: string;
  log: Logger;
  max?: number;
};

/**
 * A pool whose every connection works in the deployment's own schema. A connection Postgres drops (a restart,
 * `pg_terminate_backend`) is logged and replaced on the next query; it never takes the process down: the
 * pool and each of its clients have an 'error' listener, since pg emits one even on a checked-out client.
 */
export function createDb(config: Pick<Config, "DATABASE_URL">, names: Names, opts: DbOptions): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: opts.max ?? 10,
    options: `-c search_path=${names.schema}`,
    application_name: applicationName(opts.name, names),
    keepAlive: true,
  });
  pool.on("error", (err: Error & { code?: string }) => {
    opts.log.warn(
      { err: { code: err.code, message: err.message } },
      "Postgres connection lost; reconnecting on demand",
    );
  });
  pool.on("connect", (client) => {
    // In use, the query that was running gets the error; the pool drops the client when it comes back.
    client.on("error", () => undefined);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

/** `taskjet-gateway`, or `taskjet-gateway:<namespace>` so one deployment's connections can be told apart. */
export function applicationName(name: string, names: Names): string {
  return (names.namespace ? `${name}:${names.namespace}` : name).slice(0, 63);
}

/**
 * Creates the database named in DATABASE_URL when it is missing (a fresh machine needs no setup step).
 * Services starting together may race to create it: "already exists" is 42P04, or 23505 on the catalog's
 * unique index when both inserts got that far; either means it is there.
 */
export async function ensureDatabase(config: Pick<Config, "DATABASE_URL">): Promise<void> {
  const url = new URL(config.DATABASE_URL);
  const database = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  client.on("error", () => undefined); // a dropped connection fails the query in flight, which is what we report
  try {
    await client.connect();
  } catch (err) {
    throw new DependencyUnavailableError(
      `cannot reach PostgreSQL at ${url.host} (${(err as Error).message}); start it ` +
        "(e.g. pg_ctlcluster 15 main start) or set DATABASE_URL",
      { cause: err },
    );
  }
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (rowCount === 0) {
      await client.query(`create database "${database.replaceAll('"', '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== "42P04" && err.code !== "23505") throw err; // created meanwhile by another service
      });
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function ensureSchema(db: Db, names: Names): Promise<void> {
  await sql`create schema if not exists ${sql.id(names.schema)}`.execute(db);
}

type Row = Selectable<TasksTable>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function rowToState(row: Row): TaskState {
  return {
    id: row.id,
    status: row.status,
    tenant: row.tenant,
    idempotencyKey: row.idempotencyKey,
    parentId: row.parentId,
    prompt: row.prompt,
    system: row.system,
    model: row.model,
    maxTokens: row.maxTokens,
    temperature: row.temperature,
    runAt: iso(row.runAt),
    metadata: row.metadata,
    maxAttempts: row.maxAttempts,
    timeoutMs: row.timeoutMs,
    gen: row.gen,
    attempts: row.attempts,
    output: row.output,
    error: row.error,
    usage: row.usage,
    stopReason: row.stopReason,
    cancelReason: row.cancelReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function stateToRow(state: TaskState, seq: number) {
  return {
    ...state,
    metadata: JSON.stringify(state.metadata),
    error: JSON.stringify(state.error),
    usage: JSON.stringify(state.usage),
    seq,
  };
}

/** The checkpoint row the projector keeps: the last stream sequence it has written. */
export const CHECKPOINT_NAME = "projector";
