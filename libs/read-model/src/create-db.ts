import type { Names } from "@taskjet/events";
import type { Config, Logger } from "@taskjet/runtime";
import { CamelCasePlugin, Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database, Db } from "./schema.ts";

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
