import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");

function firstLine(cmd: string, args: string[]) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")[0]
      ?.trim();
  } catch {
    return "not found";
  }
}

export function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: firstLine("uname", ["-sr"]),
    node: process.version,
  };
}

const packageVersion = (name: string) =>
  (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

export function versions() {
  return {
    taskjet: packageVersion("@taskjet/gateway"),
    "nats-server": firstLine("nats-server", ["--version"]),
    postgres: firstLine("psql", ["-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"]),
    redis: firstLine("redis-server", ["--version"]),
    bullmq: packageVersion("bullmq"),
    "pg-boss": packageVersion("pg-boss"),
    "graphile-worker": packageVersion("graphile-worker"),
    "@nats-io/jetstream": packageVersion("@nats-io/jetstream"),
  };
}
