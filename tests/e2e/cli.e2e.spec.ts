import { spawn } from "node:child_process";
import { join } from "node:path";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem } from "./system.ts";

// The whole system driven only through the `taskjet` CLI, run as a process the way a shell script runs it:
// submit --wait, --follow, the prompt on stdin, get --json, ls, cancel, retry, events, and the exit codes.
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ctx = await createTestContext("e2ecli");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

const root = join(import.meta.dirname, "../..");
const CLI = join(root, "clients/cli/src/cli.ts");
type Run = { code: number | null; stdout: string; stderr: string };

/** `taskjet <args>` as `npm run taskjet` runs it (the client from source), against this system. */
function start(
  args: string[],
  opts: { stdin?: string; onStdout?: (soFar: string) => void; onStderr?: (soFar: string) => void } = {},
) {
  const child = spawn(process.execPath, ["--conditions=@taskjet/source", CLI, ...args], {
    cwd: root,
    env: { ...process.env, TASKJET_URL: system.baseUrl, TASKJET_API_KEY: "", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
    opts.onStdout?.(stdout);
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
    opts.onStderr?.(stderr);
  });
  child.stdin.end(opts.stdin ?? "");
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const taskjet = (args: string[], opts: Parameters<typeof start>[1] = {}) => start(args, opts).done;

const unique = (text: string) => `${text} ${crypto.randomUUID().slice(0, 8)}`;
const parse = <T = Record<string, unknown>>(r: Run) => JSON.parse(r.stdout) as T;
type Task = { id: string; status: string; output: string | null; cancelReason: string | null };

describe("the taskjet CLI against the running system", () => {
  it("submit --wait prints the output and exits 0; submit alone prints the id", async () => {
    const prompt = unique("Write a haiku about queues");
    const waited = await taskjet(["submit", prompt, "--max-tokens", "200", "--wait"]);
    expect(waited).toMatchObject({ code: 0, stdout: `Fake reply to: ${prompt}\n` });

    const submitted = await taskjet(["submit", unique("just the id")]);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  });

  it("takes the prompt from stdin, and get --json answers the task", async () => {
    const prompt = unique("From stdin");
    const submitted = await taskjet(["submit", "--json"], { stdin: `${prompt}\n` });
    expect(submitted.code).toBe(0);
    const task = parse<Task & { prompt: string }>(submitted);
    expect(task.prompt).toBe(prompt);
    const waited = parse<Task>(await taskjet(["submit", "--wait", "--json"], { stdin: prompt }));
    expect(waited).toMatchObject({ status: "completed", output: `Fake reply to: ${prompt}` });
    const got = await taskjet(["get", waited.id, "--json"]);
    expect(got.code).toBe(0);
    expect(parse<Task>(got)).toMatchObject({ id: waited.id, status: "completed", output: waited.output });
    expect(parse<Task>(await taskjet(["get", task.id, "--json"])).id).toBe(task.id);
  });

  it("--follow streams the output to the terminal as it is generated", async () => {
    let chunks = 0;
    const followed = await taskjet(["submit", unique("[fake:slow=20] tell me a story"), "--follow"], {
      onStdout: () => chunks++,
    });
    expect(followed.code).toBe(0);
    expect(chunks).toBeGreaterThan(3); // written piece by piece, not at the end
    const id = followed.stderr.match(/[0-9a-f-]{36}/)?.[0] as string;
    const task = parse<Task>(await taskjet(["get", id, "--json"]));
    expect(followed.stdout).toBe(`${task.output}\n`);
    expect(followed.stderr).toContain("[completed]");
  });

  it("ls shows tasks as a table, filtered by status", async () => {
    const prompt = unique("listed");
    const id = JSON.parse((await taskjet(["submit", prompt, "--wait", "--json"])).stdout).id as string;
    const table = await taskjet(["ls", "--status", "completed", "--limit", "500"]);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^ID\s+STATUS\s+MODEL\s+CREATED\s+PROMPT$/);
    const row = rows.find((r) => r.startsWith(id));
    expect(row).toContain("completed");
    expect(row).toContain(prompt);
    const failed = parse<Task[]>(await taskjet(["ls", "--status", "failed", "--json"]));
    expect(failed.every((t) => t.status === "failed")).toBe(true);
  });

  it("cancel stops a running task; --follow on it exits 4", async () => {
    const prompt = unique("[fake:slow=200] a story to stop");
    let id = "";
    let streaming!: () => void;
    const midGeneration = new Promise<void>((resolve) => (streaming = resolve));
    const following = taskjet(["submit", prompt, "--follow"], {
      onStderr: (s) => (id ||= s.match(/[0-9a-f-]{36}/)?.[0] ?? ""),
      onStdout: (s) => s.length > 0 && streaming(),
    });
    await midGeneration; // output is flowing: the task is mid-generation
    const cancelled = await taskjet(["cancel", id, "--reason", "enough"]);
    expect(cancelled).toMatchObject({ code: 0, stdout: `${id} cancelled\n` });
    const followed = await following;
    expect(followed.code).toBe(4);
    expect(followed.stderr).toContain("enough");
    expect(parse<Task>(await taskjet(["get", id, "--json"]))).toMatchObject({
      status: "cancelled",
      cancelReason: "enough",
    });
    const again = await taskjet(["retry", id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("illegal_transition");
  });

  it("a failed task exits 3 with --wait; retry --wait runs it again to completion; events shows the history", async () => {
    const failed = await taskjet([
      "submit",
      unique("Overloaded once [fake:overloaded=1]"),
      "--max-attempts",
      "1",
      "--wait",
      "--json",
    ]);
    expect(failed.code).toBe(3);
    const task = parse<Task>(failed);
    expect(task.status).toBe("failed");
    const retried = await taskjet(["retry", task.id, "--wait"]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain("Fake reply to: ");
    const history = await taskjet(["events", task.id]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/TaskRetryRequested/);
    expect(history.stdout.trimEnd().split("\n").at(-1)).toContain("TaskCompleted");
  });

  it("errors go to stderr with exit 1 (the API's code) or 2 (usage)", async () => {
    const missing = await taskjet(["get", crypto.randomUUID()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("not_found");
    const invalid = await taskjet(["submit", "x", "--temperature", "7", "--json"]);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stderr).error.code).toBe("invalid_request");
    expect((await taskjet(["get"])).code).toBe(2);
    expect((await taskjet(["frobnicate"])).code).toBe(2);
    expect((await taskjet(["submit", "x", "--no-such-flag"])).code).toBe(2);
  });

  it("tail prints every change of every task as it happens, until Ctrl-C", async () => {
    let id = "";
    let printed = "";
    const versions = () =>
      printed
        .split("\n")
        .slice(0, -1) // whole lines only
        .map((l) => JSON.parse(l) as Task)
        .filter((t) => t.id === id);
    let sawCompleted!: () => void;
    const completed = new Promise<void>((resolve) => (sawCompleted = resolve));
    const check = () => id !== "" && versions().some((t) => t.status === "completed") && sawCompleted();
    // --since: the task may be submitted (and even finish) before tail has subscribed; the snapshot of what
    // changed since brings it all the same.
    const since = new Date(Date.now() - 60_000).toISOString();
    const tail = start(["tail", "--json", "--since", since], {
      onStdout: (out) => {
        printed = out;
        check();
      },
    });
    id = (await taskjet(["submit", unique("tailed")])).stdout.trim();
    check();
    await completed;
    tail.child.kill("SIGINT");
    const ended = await tail.done;
    expect(ended.code).toBe(130);
    const statuses = versions().map((t) => t.status);
    expect(statuses.at(-1)).toBe("completed");
    expect(new Set(statuses).size).toBe(statuses.length); // each version once
  });

  it("keys: create, list, revoke (auth is off here, so no admin key is needed)", async () => {
    const created = await taskjet(["keys", "create", "--tenant", "acme", "--scopes", "tasks:read", "--json"]);
    expect(created.code).toBe(0);
    const key = parse<{ id: string; key: string }>(created);
    expect(key.key).toMatch(/^tj_/);
    const listed = parse<{ id: string; revokedAt: string | null }[]>(await taskjet(["keys", "list", "--json"]));
    expect(listed.find((k) => k.id === key.id)?.revokedAt).toBeNull();
    expect((await taskjet(["keys", "revoke", key.id])).code).toBe(0);
    const after = parse<{ id: string; revokedAt: string | null }[]>(await taskjet(["keys", "--json"]));
    expect(after.find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
  });

  it("schedules: lists the tenant's schedules with their next run, and shows one", async () => {
    const res = await fetch(`${system.baseUrl}/schedules`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cron: "0 6 * * 1-5", timezone: "Europe/Berlin", task: { prompt: "news" } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const listed = parse<{ id: string; nextRuns: string[] }[]>(await taskjet(["schedules", "--json"]));
    expect(listed.find((s) => s.id === id)?.nextRuns.length).toBeGreaterThan(0);
    const one = parse<{ id: string; cron: string }>(await taskjet(["schedules", "get", id, "--json"]));
    expect(one).toMatchObject({ id, cron: "0 6 * * 1-5" });
    const table = await taskjet(["schedules"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(id);
  });
});
