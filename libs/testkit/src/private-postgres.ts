import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./private-nats.ts";

const run = promisify(execFile);

/** Where initdb and pg_ctl live: `PG_BIN_DIR`, else the newest /usr/lib/postgresql/<v>/bin; null when none. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN_DIR) return existsSync(join(process.env.PG_BIN_DIR, "initdb")) ? process.env.PG_BIN_DIR : null;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

/** The uid/gid of the `postgres` user when we are root (Postgres refuses to run as root), else null. */
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export type PrivatePostgres = {
  port: number;
  /** A connection URL for `database` on this server (trust auth, user postgres). */
  url(database: string): string;
  /** Stops the server as a crash does (`-m immediate`), waits `downMs`, starts it again on the same port. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
};

/**
 * A throwaway PostgreSQL cluster of the caller's own (initdb into a temp dir, a free port, loopback only), for
 * runs that restart the database — which the shared server must never be. As root the binaries run as the
 * `postgres` user. Resolves to null when this machine cannot run one (no binaries, no such user), so the
 * caller can fall back to a database on the shared server and say so.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres | null> {
  const bin = postgresBinDir();
  if (!bin) return null;
  let user: { uid: number; gid: number } | null;
  try {
    user = await postgresUser();
  } catch {
    return null; // root without a postgres user
  }
  const dir = mkdtempSync(join(tmpdir(), "taskjet-pg-"));
  const data = join(dir, "data");
  const port = await freePort();
  if (user) chownSync(dir, user.uid, user.gid);
  const pg = (tool: string, args: string[]) =>
    user ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  // fsync off: a killed server loses nothing the OS already has; only a machine crash would, and this is a test.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () => pg("pg_ctl", ["start", "-w", "-t", "60", "-D", data, "-l", join(dir, "log"), "-o", options]);
  const stop = () => pg("pg_ctl", ["stop", "-w", "-m", "immediate", "-D", data]);
  try {
    await pg("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
    await start();
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  let running = true;
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async restart(downMs) {
      await stop();
      running = false;
      await new Promise((r) => setTimeout(r, downMs));
      await start();
      running = true;
    },
    async close() {
      if (running) await stop().catch(() => undefined);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
