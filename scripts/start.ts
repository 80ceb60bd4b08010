// Runs the four services as separate processes on this repo's Node, each line prefixed with its service, and
// keeps them running: a service that exits is started again after a backoff (0.5 s doubling to 30 s, back to
// 0.5 s once it has stayed up a minute), and the log says so. Each child has its own process group, so Ctrl-C
// reaches only this script, which drains them all once (a second Ctrl-C kills them). Each child's stdin is a
// pipe from this script: should it die, even by SIGKILL, the pipe closes and every service drains and exits.
// Before the services start, the console (web/) is built when its build is missing or older than its source.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { createLogger, ensureDatabase, loadConfig } from "@taskjet/runtime";

const SERVICES = ["projector", "scheduler", "executor", "gateway"] as const;
/** Where each service without an HTTP API of its own serves /metrics (the gateway's is on PORT). */
const METRICS_PORTS: Partial<Record<(typeof SERVICES)[number], string>> = {
  executor: "9101",
  scheduler: "9102",
  projector: "9103",
};
type Service = (typeof SERVICES)[number];
const COLORS = [35, 33, 36, 32, 34];
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const STABLE_MS = 60_000;

const width = Math.max(...SERVICES.map((s) => s.length));
/** The console's build, logged alongside the services. */
const CONSOLE = "console" as const;
const prefixes = new Map<Service | typeof CONSOLE, string>(
  [...SERVICES, CONSOLE].map((name, i) => [
    name,
    process.stdout.isTTY ? `\x1b[${COLORS[i]}m${name.padEnd(width)}\x1b[0m │ ` : `${name.padEnd(width)} │ `,
  ]),
);
const children = new Map<Service, ChildProcess>();
const restarts = new Map<Service, NodeJS.Timeout>();
const delays = new Map<Service, number>();
let stopping = false;

const say = (name: Service | typeof CONSOLE, text: string) => process.stdout.write(`${prefixes.get(name)}${text}\n`);

function run(name: Service) {
  restarts.delete(name);
  const startedAt = Date.now();
  const child = spawn(process.execPath, [`services/${name}/src/main.ts`], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    // The quick start listens on this machine only, with auth off (the gateway says so loudly); a deployment
    // sets HOST=0.0.0.0 and gets auth.
    // Its lines go to a pipe (read here), not the terminal: readable lines are asked for when this script's own
    // output is a terminal, unless LOG_FORMAT says otherwise.
    env: {
      ...process.env,
      HOST: process.env.HOST || "127.0.0.1",
      TASKJET_SUPERVISED: "1",
      ...(METRICS_PORTS[name] && !process.env.METRICS_PORT ? { METRICS_PORT: METRICS_PORTS[name] } : {}),
      ...(process.stdout.isTTY && !process.env.LOG_FORMAT ? { LOG_FORMAT: "pretty", FORCE_COLOR: "1" } : {}),
    },
  });
  children.set(name, child);
  child.stdin?.on("error", () => undefined); // the child may be gone before the pipe is
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => say(name, line));
  }
  child.on("error", (err) => say(name, `cannot start: ${err.message}`));
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) {
      if (children.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    const upMs = Date.now() - startedAt;
    const delay = upMs >= STABLE_MS ? FIRST_DELAY_MS : (delays.get(name) ?? FIRST_DELAY_MS);
    delays.set(name, Math.min(delay * 2, MAX_DELAY_MS));
    const how = signal ? `signal ${signal}` : `code ${code}`;
    say(name, `${name} exited (${how}); restarting in ${delay / 1000} s`);
    restarts.set(
      name,
      setTimeout(() => run(name), delay),
    );
  });
}

function stop(signal: NodeJS.Signals) {
  if (stopping) {
    process.stdout.write(`second ${signal}: killing the services\n`);
    for (const child of children.values()) child.kill("SIGKILL");
    process.exit(1);
  }
  stopping = true;
  for (const timer of restarts.values()) clearTimeout(timer);
  restarts.clear();
  for (const child of children.values()) child.kill("SIGTERM");
  if (children.size === 0) process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// `npm start` killed (not Ctrl-C, which reaches the whole group): npm exits without passing it on, and this
// script would live on, orphaned, with the services. Whoever started it is gone: stop as on SIGTERM.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop("SIGTERM");
}, 500).unref();

// Once, here: services starting together would race to create it.
const config = loadConfig();
await ensureDatabase(config).catch((err: Error) => {
  createLogger("start", config).fatal(`cannot start: ${err.message}`);
  process.exit(1);
});
const ROOT = join(import.meta.dirname, "..");
const WEB = join(ROOT, "web");
/** What the console's build is made from: a change to any of them makes it stale. */
const CONSOLE_SOURCES = ["src", "public", "index.html", "package.json", "vite.config.ts"].map((f) => join(WEB, f));

function* files(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path)) yield* files(join(path, entry));
}

/** Why the console must be built before it is served (missing, or older than a source file), or null. */
function consoleStaleness(): string | null {
  const built = join(WEB, "dist/index.html");
  if (!existsSync(built)) return "web/dist is missing";
  const builtAt = statSync(built).mtimeMs;
  for (const source of CONSOLE_SOURCES) {
    for (const file of files(source)) {
      if (statSync(file).mtimeMs > builtAt) return `${relative(ROOT, file)} is newer than web/dist`;
    }
  }
  return null;
}

/** `npm run build -w web`, its output in the log; resolves whether it worked. A failure never stops the API. */
function buildConsole(why: string): Promise<boolean> {
  say(CONSOLE, `${why}: building the console (npm run build -w web)`);
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const build = spawn("npm", ["run", "build", "-w", "web"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [build.stdout, build.stderr]) {
      createInterface({ input: stream }).on("line", (line) => say(CONSOLE, line));
    }
    build.once("error", (err) => {
      say(CONSOLE, `cannot build the console: ${err.message}; the API starts without it`);
      resolve(false);
    });
    build.once("exit", (code, signal) => {
      if (code === 0) say(CONSOLE, `console built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      else say(CONSOLE, `console build failed (${signal ?? `code ${code}`}); the API starts without it`);
      resolve(code === 0);
    });
  });
}

// Only the repo's own console, and only when there is one: CONSOLE_DIR points at a build made elsewhere.
if (!config.CONSOLE_DIR && existsSync(join(WEB, "package.json"))) {
  const why = consoleStaleness();
  if (why) await buildConsole(why);
  else say(CONSOLE, "console is up to date with web/src");
}
if (!stopping) for (const name of SERVICES) run(name);
