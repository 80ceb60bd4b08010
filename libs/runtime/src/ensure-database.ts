import pg from "pg";
import type { Config } from "./config.ts";
import { DependencyUnavailableError } from "./nats.ts";

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
