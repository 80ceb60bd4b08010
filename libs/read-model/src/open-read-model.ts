import type { Names } from "@taskjet/events";
import { type Config, ensureDatabase, type Logger, whenAvailable } from "@taskjet/runtime";
import { createDb } from "./create-db.ts";
import { migrate } from "./migrate.ts";
import type { Db } from "./schema.ts";

/**
 * A service's read model, ready to use: the database made sure of (waited for while Postgres is away), a pool
 * named after the service, every migration applied (under the lock, whichever service starts first).
 */
export async function openReadModel(config: Config, names: Names, log: Logger, service: string): Promise<Db> {
  await whenAvailable(config, log, () => ensureDatabase(config));
  const db = createDb(config, names, { name: `taskjet-${service}`, log });
  await migrate(db, names, log);
  return db;
}
