import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "@taskjet/testkit";

const WEB = join(import.meta.dirname, "../../web");
const BUILT = join(WEB, "dist/index.html");
const LOCK = join(tmpdir(), "taskjet-console-build.lock");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale = () =>
  !existsSync(BUILT) ||
  Math.max(
    newestSource(join(WEB, "src")),
    ...["index.html", "vite.config.ts", "package.json"].map((f) => statSync(join(WEB, f)).mtimeMs),
  ) > statSync(BUILT).mtimeMs;

/**
 * The browser tests run against web/dist: built here when missing or older than its source, by one test file
 * at a time (a lock directory), the others waiting for it.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (!stale()) return;
  await waitFor(
    () => {
      try {
        mkdirSync(LOCK);
        return true;
      } catch {
        return false;
      }
    },
    { what: "the console build lock", timeoutMs: 120_000, intervalMs: 250 },
  );
  try {
    if (!stale()) return;
    // NODE_ENV as vitest sets it ("test") would make Vite bundle React's development build.
    const env = { ...process.env, NODE_ENV: "production" };
    const build = spawnSync("npm", ["run", "build", "-w", "web"], { cwd: join(WEB, ".."), encoding: "utf8", env });
    if (build.status !== 0) throw new Error(`npm run build -w web failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmdirSync(LOCK);
  }
}
