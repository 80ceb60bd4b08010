import { randomBytes } from "node:crypto";
import { type Names, namesFor, type Subjects, subjectsFor, type TaskEvent } from "@taskjet/events";
import { createDb, type Db } from "@taskjet/read-model";
import {
  type Config,
  connectNats,
  createLogger,
  deleteNamespaceStreams,
  ensureDatabase,
  ensureStream,
  type Logger,
  loadConfig,
  type Nats,
  outputStreamConfig,
  publishEvent,
  readHistory,
  tasksStreamConfig,
} from "@taskjet/runtime";
import { sql } from "kysely";
import { readAllEvents } from "./read-events.ts";
import { waitFor } from "./wait.ts";

export type TestContext = Nats & {
  config: Config;
  names: Names;
  subjects: Subjects;
  log: Logger;
  db: Db;
  /** The environment that points a spawned service at this test's namespace. */
  env: Record<string, string>;
  publish(event: TaskEvent): Promise<void>;
  /** The task's events as the stream holds them, oldest first. */
  history(taskId: string): Promise<TaskEvent[]>;
  /** The task's events once they hold one of `type` (waiting for it up to `timeoutMs`, default 10 s). */
  historyWith(taskId: string, type: TaskEvent["type"], timeoutMs?: number): Promise<TaskEvent[]>;
  /** Every event on the stream matching a subject filter (e.g. `subjects.ofType("TaskQueued")`), oldest first. */
  readAll(filter: string): Promise<TaskEvent[]>;
  cleanup(): Promise<void>;
};

/**
 * A namespace of its own for one test file: its streams, subjects, consumers and Postgres schema carry a
 * random prefix, so files run in parallel and a rerun sees nothing of an earlier one. Uses NATS_URL and
 * DATABASE_URL (default: the local servers, database `taskjet_test`).
 */
export async function createTestContext(label: string, env: Record<string, string> = {}): Promise<TestContext> {
  const namespace = `t_${label.replace(/[^a-z0-9]/g, "")}_${randomBytes(4).toString("hex")}`;
  const config = loadConfig({
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/taskjet_test",
    LOG_LEVEL: "silent",
    FAKE_LLM_LATENCY_MS: "5",
    ...process.env,
    // Tests build the gateway with auth off unless they say otherwise (the auth tests do).
    AUTH_MODE: "off",
    ...env,
    TASKJET_NAMESPACE: namespace,
  });
  const names = namesFor(namespace);
  const subjects = subjectsFor(names);
  const log = createLogger(`test-${label}`, config);
  const nats = await connectNats(config, log, `test-${label}`);
  await ensureStream(nats.jsm, tasksStreamConfig(names, config), log);
  await ensureStream(nats.jsm, outputStreamConfig(names, config), log);
  await ensureDatabase(config);
  const db = createDb(config, names, { name: `test-${label}`, log, max: 4 });
  await sql`create schema if not exists ${sql.id(names.schema)}`.execute(db);
  return {
    ...nats,
    config,
    names,
    subjects,
    log,
    db,
    env: {
      TASKJET_NAMESPACE: namespace,
      NATS_URL: config.NATS_URL,
      DATABASE_URL: config.DATABASE_URL,
      FAKE_LLM_LATENCY_MS: String(config.FAKE_LLM_LATENCY_MS),
      AUTH_MODE: config.AUTH_MODE,
    },
    async publish(event) {
      await publishEvent(nats.js, subjects, event);
    },
    async history(taskId) {
      return (await readHistory(nats.js, nats.jsm, names, subjects, taskId)).map((h) => h.event);
    },
    historyWith(taskId, type, timeoutMs) {
      return waitFor(
        async () => {
          const h = (await readHistory(nats.js, nats.jsm, names, subjects, taskId)).map((x) => x.event);
          return h.some((e) => e.type === type) ? h : undefined;
        },
        { ...(timeoutMs === undefined ? {} : { timeoutMs }), what: `${type} of ${taskId}` },
      );
    },
    readAll: (filter) => readAllEvents(nats.js, names, filter),
    async cleanup() {
      await deleteNamespaceStreams(nats.jsm, names);
      await sql`drop schema if exists ${sql.id(names.schema)} cascade`.execute(db).catch(() => undefined);
      // What rebuilds left beside it: the retired schemas (`<schema>_old_…`) and any unfinished `<schema>_new_…`.
      const left = await sql<{
        nspname: string;
      }>`select nspname from pg_namespace where nspname like ${`${names.schema}_%`}`
        .execute(db)
        .catch(() => ({ rows: [] }));
      for (const { nspname } of left.rows) {
        await sql`drop schema if exists ${sql.id(nspname)} cascade`.execute(db).catch(() => undefined);
      }
      await db.destroy();
      await nats.nc.close();
    },
  };
}
