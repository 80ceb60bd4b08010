// The task commands: submit (with --wait / --follow), get, ls, tail, events, cancel, retry.
import { parseArgs } from "node:util";
import { type SubmitBody, type Task, TimeoutError } from "@taskjet/client";
import { changeLine, eventLines, paint, status, taskDetails, taskRows } from "./format.ts";
import { EXIT, type Io, json, UsageError } from "./io.ts";

const exitFor = (t: Task) =>
  t.status === "failed" ? EXIT.failed : t.status === "cancelled" ? EXIT.cancelled : EXIT.ok;

function oneId(positionals: string[], command: string): string {
  const [id, ...rest] = positionals;
  if (id === undefined || rest.length > 0) throw new UsageError(`usage: taskjet ${command} <task id>`);
  return id;
}

const number = (value: string | undefined, name: string) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not ${JSON.stringify(value)}`);
  return n;
};

export async function submit(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      system: { type: "string" },
      "max-tokens": { type: "string" },
      temperature: { type: "string" },
      "delay-seconds": { type: "string" },
      "max-attempts": { type: "string" },
      priority: { type: "string" },
      "idempotency-key": { type: "string" },
      wait: { type: "boolean" },
      follow: { type: "boolean", short: "f" },
      timeout: { type: "string" },
    },
  });
  const given = positionals.join(" ");
  const prompt = given === "" || given === "-" ? await io.readStdin() : given;
  if (prompt === null || prompt.trim() === "") {
    throw new UsageError('usage: taskjet submit "prompt" [--model m] [--wait | --follow]  (or the prompt on stdin)');
  }
  const body: SubmitBody = { prompt: prompt.replace(/\n$/, "") };
  if (values.model) body.model = values.model;
  if (values.system) body.system = values.system;
  body.maxTokens = number(values["max-tokens"], "max-tokens");
  body.temperature = number(values.temperature, "temperature");
  body.delaySeconds = number(values["delay-seconds"], "delay-seconds");
  body.maxAttempts = number(values["max-attempts"], "max-attempts");
  if (values.priority) body.priority = values.priority as SubmitBody["priority"];
  for (const k of Object.keys(body) as (keyof SubmitBody)[]) if (body[k] === undefined) delete body[k];
  const key = values["idempotency-key"];
  const task = await io.client.submit(body, key ? { idempotencyKey: key } : {});
  const timeout = number(values.timeout, "timeout");
  if (values.follow) return follow(io, task);
  if (values.wait) return waitFor(io, task, timeout === undefined ? undefined : timeout * 1000);
  // The id alone, so that `id=$(taskjet submit "…")` works.
  io.out(io.json ? json(task) : task.id);
  return EXIT.ok;
}

async function waitFor(io: Io, task: Task, timeoutMs: number | undefined, since?: string): Promise<number> {
  let done: Task;
  try {
    done = await io.client.wait(task.id, {
      signal: io.signal,
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
      ...(since ? { since } : {}),
    });
  } catch (err) {
    if (err instanceof TimeoutError) {
      io.err(`taskjet: ${task.id} has not finished yet (${err.message})`);
      return EXIT.timeout;
    }
    throw err;
  }
  io.out(io.json ? json(done) : done.status === "completed" ? (done.output ?? "") : taskDetails(io.style, done));
  return exitFor(done);
}

/**
 * The output as it is generated on stdout, statuses on stderr; with --json one JSON line per live event. A new
 * attempt's output starts on a new line; whatever the live output missed (it is kept an hour) is printed at the end.
 */
async function follow(io: Io, task: Task): Promise<number> {
  let attempt = "";
  let streamed = "";
  let last: Task = task;
  const write = io.write;
  if (!io.json) io.err(paint(io.style, "dim", `${task.id}`));
  for await (const e of io.client.stream(task.id, { signal: io.signal })) {
    if (io.json) {
      io.out(JSON.stringify(e));
      if (e.type === "task") last = e.task;
      continue;
    }
    if (e.type === "task") {
      if (e.task.status !== last.status) io.err(paint(io.style, "dim", `[${e.task.status}]`));
      last = e.task;
    } else if ((e.kind ?? "text") === "text") {
      const place = `${e.gen}.${e.attempt}`;
      if (attempt !== "" && place !== attempt) {
        write("\n");
        io.err(paint(io.style, "dim", `[attempt ${e.attempt}]`));
        streamed = "";
      }
      attempt = place;
      streamed += e.text;
      write(e.text);
    }
  }
  if (io.signal.aborted) return EXIT.interrupted;
  if (!io.json) {
    const output = last.output ?? "";
    if (output !== streamed) write(output.startsWith(streamed) ? output.slice(streamed.length) : `\n${output}`);
    if (output !== "" || streamed !== "") write("\n");
    if (last.status !== "completed") io.err(taskDetails(io.style, last));
  }
  return exitFor(last);
}

export async function get(io: Io, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const task = await io.client.get(oneId(positionals, "get"));
  io.out(io.json ? json(task) : taskDetails(io.style, task));
  return EXIT.ok;
}

export async function ls(io: Io, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      status: { type: "string" },
      limit: { type: "string" },
      parent: { type: "string" },
      all: { type: "boolean" },
    },
  });
  const limit = values.all ? Number.POSITIVE_INFINITY : (number(values.limit, "limit") ?? 20);
  const statuses = values.status?.split(",").map((s) => s.trim()) as Task["status"][] | undefined;
  const tasks: Task[] = [];
  const pageSize = Math.min(500, limit);
  for await (const t of io.client.list(
    {
      ...(statuses ? { status: statuses } : {}),
      ...(values.parent ? { parentId: values.parent } : {}),
      limit: pageSize,
    },
    { signal: io.signal },
  )) {
    tasks.push(t);
    if (tasks.length >= limit) break;
  }
  io.out(io.json ? json(tasks) : tasks.length === 0 ? "no tasks" : taskRows(io.style, tasks));
  return EXIT.ok;
}

export async function tail(io: Io, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: "string" } } });
  if (!io.json) io.err(paint(io.style, "dim", "following every task; Ctrl-C to stop"));
  for await (const e of io.client.watch({ signal: io.signal, ...(values.since ? { since: values.since } : {}) })) {
    if (e.type !== "task") continue;
    io.out(io.json ? JSON.stringify(e.task) : changeLine(io.style, e.task));
  }
  return io.signal.aborted ? EXIT.interrupted : EXIT.error;
}

export async function events(io: Io, args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const history = await io.client.events(oneId(positionals, "events"));
  io.out(io.json ? json(history) : eventLines(io.style, history));
  return EXIT.ok;
}

export async function cancel(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { reason: { type: "string" } } });
  const task = await io.client.cancel(oneId(positionals, "cancel"), values.reason);
  io.out(io.json ? json(task) : `${task.id} ${status(io.style, task.status)}`);
  return EXIT.ok;
}

export async function retry(io: Io, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { wait: { type: "boolean" } } });
  const task = await io.client.retry(oneId(positionals, "retry"));
  if (values.wait) return waitFor(io, task, undefined, task.updatedAt);
  io.out(io.json ? json(task) : `${task.id} ${status(io.style, task.status)}`);
  return EXIT.ok;
}
