import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createTestContext, freePort, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// `npm start` keeps the services running: a crashed one comes back after a backoff, a Ctrl-C drains them all
// once, and no service outlives the supervisor, even one killed outright.
const root = join(import.meta.dirname, "../..");
const SERVICES = ["projector", "scheduler", "executor", "gateway"];
let ctx: TestContext;
const started: ChildProcess[] = [];
const services: number[] = [];

beforeAll(async () => {
  ctx = await createTestContext("supervisor");
});
afterEach(() => {
  for (const c of started.splice(0)) c.kill("SIGKILL");
  for (const pid of services.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
});
afterAll(() => ctx.cleanup());

async function npmStart() {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      ...ctx.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      LLM_PROVIDER: "fake",
      PROJECTOR_LEASE_SECONDS: "2",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) createInterface({ input: s }).on("line", (l) => lines.push(l));
  const exited = new Promise<number | string>((r) => child.once("exit", (code, signal) => r(signal ?? code ?? 0)));
  const of = (name: string) => lines.filter((l) => l.startsWith(`${name.padEnd(9)} │`));
  const upCount = (name: string) => of(name).filter((l) => / running"|Server listening/.test(l)).length;
  await waitFor(() => SERVICES.every((s) => upCount(s) > 0), { what: "all four services up", timeoutMs: 15_000 });
  return { child, lines, exited, of, upCount };
}

/** The services' processes: the supervisor's children. */
function servicePids(pid: number): number[] {
  try {
    const pids = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
    services.push(...pids);
    return pids;
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** Gone, or a zombie waiting to be reaped (it has exited all the same). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("restarts a crashed service with a backoff, then drains everything once on SIGTERM", async () => {
    const sup = await npmStart();
    const pids = servicePids(sup.child.pid as number);
    expect(pids).toHaveLength(4);
    const projectorPid = pids.find((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").includes("projector"));
    process.kill(projectorPid as number, "SIGKILL");
    await waitFor(
      () => sup.of("projector").some((l) => /projector exited \(signal SIGKILL\); restarting in 0\.5 s/.test(l)),
      {
        what: "the restart announced",
      },
    );
    await waitFor(() => sup.upCount("projector") === 2, { what: "the projector running again" });

    sup.child.kill("SIGTERM");
    expect(await sup.exited).toBe(0);
    for (const s of SERVICES) {
      expect(
        sup.of(s).filter((l) => l.includes('"msg":"stopped"')),
        sup.of(s).slice(-5).join("\n"),
      ).toHaveLength(1);
    }
    expect(sup.lines.filter((l) => l.includes("restarting in"))).toHaveLength(1);
  });

  it("leaves no service behind when it is killed outright", async () => {
    const sup = await npmStart();
    const pids = servicePids(sup.child.pid as number);
    expect(pids).toHaveLength(4);
    sup.child.kill("SIGKILL");
    await sup.exited;
    const left = () => pids.filter(alive).map((p) => readFileSync(`/proc/${p}/cmdline`, "utf8").replaceAll("\0", " "));
    await waitFor(() => left().length === 0, { what: "every service gone", timeoutMs: 15_000 }).catch((err: Error) => {
      throw new Error(`${err.message}; still running: ${left().join(", ")}`);
    });
  });
});
