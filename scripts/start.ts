// Runs the four services as separate processes on this repo's Node, each line prefixed with its service.
// Each child has its own process group, so Ctrl-C reaches only this script, which drains them all once; if one dies, the rest are stopped and the exit code says so.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const SERVICES = ["projector", "scheduler", "executor", "gateway"] as const;
const COLORS = [35, 33, 36, 32];
const width = Math.max(...SERVICES.map((s) => s.length));
const children = new Map<string, ChildProcess>();
let stopping = false;

for (const [i, name] of SERVICES.entries()) {
  const child = spawn(process.execPath, [`services/${name}/src/main.ts`], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.set(name, child);
  const prefix = process.stdout.isTTY
    ? `\x1b[${COLORS[i]}m${name.padEnd(width)}\x1b[0m │ `
    : `${name.padEnd(width)} │ `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${prefix + line}\n`));
  }
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stdout.write(`${prefix}exited (${signal ?? code}); stopping the others\n`);
      stop(code || 1);
    } else if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

function stop(code: number) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) child.kill("SIGTERM");
  if (children.size === 0) process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
