#!/usr/bin/env node
// taskjet: the Taskjet API from a terminal or a script, on @taskjet/client. TASKJET_URL (default
// http://127.0.0.1:8000) and TASKJET_API_KEY say where and who; --json prints JSON for scripts; the exit code
// says how it went (io.ts: EXIT).
import { Taskjet, TaskjetError, ValidationError } from "@taskjet/client";
import { keys, schedules } from "./admin.ts";
import { EXIT, type Io, UsageError } from "./io.ts";
import { cancel, events, get, ls, retry, submit, tail } from "./tasks.ts";

const HELP = `taskjet — submit, follow and manage Taskjet tasks

  taskjet submit "prompt" [--model m] [--system s] [--max-tokens n] [--temperature t]
                 [--delay-seconds n] [--max-attempts n] [--priority low|normal|high]
                 [--idempotency-key k] [--wait [--timeout s] | --follow]
                                      the prompt may come on stdin instead; prints the id,
                                      the output with --wait, streams it with --follow
  taskjet get <id>                    one task
  taskjet ls [--status s,s] [--limit n | --all] [--parent id]
  taskjet tail [--since iso]          every change of every task, live (Ctrl-C stops)
  taskjet events <id>                 the task's history from the stream
  taskjet cancel <id> [--reason r]
  taskjet retry <id> [--wait]
  taskjet keys [list] | create --tenant t --scopes a,b [--name n] | revoke <id>
  taskjet schedules [list] | get <id>

  --json        JSON instead of text (one JSON line per event for tail and --follow)
  TASKJET_URL   the gateway (default http://127.0.0.1:8000); TASKJET_API_KEY its key, with auth on

Exit codes: 0 ok, 1 the API refused or failed the call, 2 usage, 3 the task failed and
4 it was cancelled (--wait, --follow), 5 --timeout passed, 130 interrupted.`;

const COMMANDS: Record<string, (io: Io, args: string[]) => Promise<number>> = {
  submit,
  get,
  ls,
  list: ls,
  tail,
  events,
  cancel,
  retry,
  keys,
  schedules,
};

async function readStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const jsonFlag = argv.includes("--json");
  const args = argv.filter((a) => a !== "--json");
  const [name, ...rest] = args;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`taskjet: no command ${JSON.stringify(name)}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  const abort = new AbortController();
  process.once("SIGINT", () => abort.abort());
  const color = process.stdout.isTTY === true && env.NO_COLOR === undefined;
  const io: Io = {
    client: new Taskjet({
      baseUrl: env.TASKJET_URL || "http://127.0.0.1:8000",
      apiKey: env.TASKJET_API_KEY || undefined,
    }),
    json: jsonFlag,
    style: { color },
    out: (text) => process.stdout.write(`${text}\n`),
    write: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin,
    signal: abort.signal,
  };
  try {
    return await command(io, rest);
  } catch (err) {
    if (abort.signal.aborted) return EXIT.interrupted;
    return report(err, jsonFlag);
  }
}

/** An error on stderr (JSON with --json) and its exit code. */
function report(err: unknown, asJson: boolean): number {
  if (
    err instanceof UsageError ||
    (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))
  ) {
    process.stderr.write(`taskjet: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof TaskjetError) {
    const body = { error: { code: err.code, message: err.message, status: err.status, details: err.details } };
    if (asJson) {
      process.stderr.write(`${JSON.stringify(body)}\n`);
      return EXIT.error;
    }
    const lines = [`taskjet: ${err.code}: ${err.message}`];
    if (err instanceof ValidationError) lines.push(...err.fields.map((f) => `  ${f.path}: ${f.message}`));
    if (err.code === "network") lines.push("  is the gateway running (npm start)? TASKJET_URL says where");
    if (err.status === 401) lines.push("  set TASKJET_API_KEY to a key with the scope (npm run keys -- create …)");
    process.stderr.write(`${lines.join("\n")}\n`);
    return EXIT.error;
  }
  process.stderr.write(`taskjet: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.error;
}

if (import.meta.main) {
  // A reader that stops early (`taskjet tail | head`) is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => process.exit(err.code === "EPIPE" ? EXIT.ok : EXIT.error));
  process.exitCode = await main(process.argv.slice(2), process.env);
}
