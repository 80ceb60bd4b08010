// What a person reads: a task in a few lines, tasks as a table, an event or a change as one line. Pure
// functions of their input (and of whether to colour), so they are tested without a terminal.
import type { ApiKey, Schedule, Task, TaskEvent } from "@taskjet/client";

export type Style = { color: boolean };

const codes = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export const paint = (style: Style, color: keyof typeof codes, text: string) =>
  style.color ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;

const STATUS_COLOR: Record<Task["status"], keyof typeof codes> = {
  submitted: "dim",
  scheduled: "blue",
  awaiting_parent: "blue",
  queued: "dim",
  running: "yellow",
  retrying: "yellow",
  completed: "green",
  failed: "red",
  cancelled: "red",
};
export const status = (style: Style, s: Task["status"]) => paint(style, STATUS_COLOR[s], s);

/** `2026-11-27 00:01:02` (UTC), or `-`. */
export const time = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "-");

/** One line of at most `max` characters: line breaks as spaces, an ellipsis when cut. */
export function oneLine(text: string | null | undefined, max: number): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

// Escape sequences take no room on the screen.
const ESCAPES = new RegExp(`${"\u001b"}\\[\\d+m`, "g");
const width = (s: string) => s.replace(ESCAPES, "").length;

/** Rows under a header, columns padded to their widest cell, the last column left unpadded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - width(c))))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function taskRows(style: Style, tasks: Task[]): string {
  return table(
    ["ID", "STATUS", "MODEL", "CREATED", "PROMPT"],
    tasks.map((t) => [t.id, status(style, t.status), t.model, time(t.createdAt), oneLine(t.prompt, 60)]),
  );
}

/** A task as a person wants to see it: what it is, where it stands, then its output (or its error). */
export function taskDetails(style: Style, t: Task): string {
  const field = (name: string, value: string | number | null | undefined) =>
    value === null || value === undefined || value === ""
      ? []
      : [`${paint(style, "dim", `${name}:`.padEnd(10))} ${value}`];
  const lines = [
    ...field("id", t.id),
    ...field("status", status(style, t.status)),
    ...field("model", t.model),
    ...field("attempts", `${t.attempts} of ${t.maxAttempts}`),
    ...field("parent", t.parentId),
    ...field("created", time(t.createdAt)),
    ...field("runAt", t.runAt ? time(t.runAt) : null),
    ...field("started", t.startedAt ? time(t.startedAt) : null),
    ...field("finished", t.finishedAt ? time(t.finishedAt) : null),
    ...field("usage", t.usage ? `${t.usage.inputTokens} in, ${t.usage.outputTokens} out` : null),
    ...field("error", t.error ? `${t.error.code}: ${t.error.message}` : null),
    ...field("cancelled", t.cancelReason),
    ...field("prompt", oneLine(t.prompt, 200)),
  ];
  if (t.output) lines.push("", t.output);
  return lines.join("\n");
}

/** One change of a task, for `tail`. */
export const changeLine = (style: Style, t: Task) =>
  `${paint(style, "dim", time(t.updatedAt))}  ${t.id}  ${status(style, t.status).padEnd(style.color ? 24 : 15)}  ${oneLine(t.prompt, 50)}`;

export function eventLines(style: Style, events: TaskEvent[]): string {
  return table(
    ["SEQ", "TIME", "TYPE", "DETAIL"],
    events.map((e) => [String(e.seq), time(e.time), paint(style, "bold", e.type), eventDetail(e.payload)]),
  );
}

/** The fields worth a glance in an event's payload: attempt, error, reason, run time. */
function eventDetail(payload: unknown): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof p.attempt === "number") parts.push(`attempt ${p.attempt}`);
  const error = p.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error.code === "string") parts.push(`${error.code}: ${oneLine(String(error.message ?? ""), 60)}`);
  if (typeof p.reason === "string") parts.push(p.reason);
  if (typeof p.runAt === "string") parts.push(`runAt ${time(p.runAt)}`);
  if (typeof p.retryAt === "string") parts.push(`retryAt ${time(p.retryAt)}`);
  return parts.join(", ");
}

export function keyRows(style: Style, keys: ApiKey[]): string {
  return table(
    ["ID", "TENANT", "SCOPES", "NAME", "CREATED", "STATE"],
    keys.map((k) => [
      k.id,
      k.tenant,
      k.scopes.join(","),
      k.name ?? "-",
      time(k.createdAt),
      k.revokedAt ? paint(style, "red", "revoked") : "active",
    ]),
  );
}

export function scheduleRows(style: Style, schedules: Schedule[]): string {
  return table(
    ["ID", "NAME", "CRON", "TIMEZONE", "STATE", "NEXT RUN"],
    schedules.map((s) => [
      s.id,
      s.name ?? "-",
      s.cron,
      s.timezone,
      s.paused ? paint(style, "yellow", "paused") : "active",
      time(s.nextRuns?.[0]),
    ]),
  );
}
