import { useState } from "react";
import { auth } from "../api/auth.ts";
import type { Task } from "../api/client.ts";
import { TERMINAL } from "../components/status.tsx";
import { bodyOf } from "./task-body.ts";

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The shell commands that do what this page does, for the actions the task's state allows. */
export function curlCommands(
  task: Task,
  origin: string,
  withKey: boolean,
  now: number,
): { label: string; command: string }[] {
  const key = withKey ? ` -H "Authorization: Bearer $TASKJET_KEY"` : "";
  const json = " -H 'content-type: application/json'";
  const url = `${origin}/tasks/${task.id}`;
  const list = [
    { label: "Get it", command: `curl -s${key} ${url}` },
    { label: "Its history", command: `curl -s${key} ${url}/events` },
  ];
  if (!TERMINAL.has(task.status)) {
    const body = JSON.stringify({ reason: "no longer needed" });
    list.push({ label: "Cancel it", command: `curl -s -X POST${key}${json} -d ${quote(body)} ${url}/cancel` });
  }
  if (task.status === "failed") list.push({ label: "Retry it", command: `curl -s -X POST${key} ${url}/retry` });
  if (task.status !== "failed" && task.status !== "cancelled") {
    const body = JSON.stringify({ prompt: "Summarise: {{parent.output}}" });
    list.push({ label: "Chain onto it", command: `curl -s -X POST${key}${json} -d ${quote(body)} ${url}/chain` });
  }
  const again = JSON.stringify(bodyOf(task, now));
  list.push({ label: "Run it again", command: `curl -s -X POST${key}${json} -d ${quote(again)} ${origin}/tasks` });
  return list;
}

export function CurlPanel({ task }: { task: Task }) {
  const [copied, setCopied] = useState<string | null>(null);
  const commands = curlCommands(task, location.origin, auth.key !== null, Date.now());
  const copy = async (command: string) => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(command);
    } catch {
      setCopied(null);
    }
  };
  return (
    <details className="curl">
      <summary>The same with curl</summary>
      {commands.map((c) => (
        <div key={c.label} className="curl-item">
          <div className="curl-head">
            <span>{c.label}</span>
            <button type="button" className="link-button" onClick={() => void copy(c.command)}>
              {copied === c.command ? "Copied" : `Copy “${c.label}”`}
            </button>
          </div>
          <pre className="mono">{c.command}</pre>
        </div>
      ))}
    </details>
  );
}
