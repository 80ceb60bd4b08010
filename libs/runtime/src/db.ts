import type { Names, TaskError, TaskState, TaskStatus, Usage } from "@taskjet/events";
import { CamelCasePlugin, type ColumnType, Kysely, PostgresDialect, type Selectable, sql } from "kysely";
import pg from "pg";
import type { Config } from "./config.ts";
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
};

export type CheckpointsTable = {
  name: string;
  seq: ColumnType<string, number | string, number | string>;
  updatedAt: Timestamp;
};

export type Database = { tasks: TasksTable; checkpoints: CheckpointsTable };
export type Db = Kysely<Database>;

/** A pool whose every connection works in the deployment's own schema. */
export function createDb(config: Pick<Config, "DATABASE_URL">, names: Names, max = 10): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max,
    options: `-c search_path=${names.schema}`,
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

/** Creates the database named in DATABASE_URL when it is missing (a fresh machine needs no setup step). */
export async function ensureDatabase(config: Pick<Config, "DATABASE_URL">): Promise<void> {
  const url = new URL(config.DATABASE_URL);
  const database = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
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
        if (err.code !== "42P04") throw err; // created meanwhile by another service
      });
    }
  } finally {
    await client.end();
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
