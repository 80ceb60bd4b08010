// How times, durations and numbers read in the console.

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "12 s", "3 min", "2 h", "4 d" — a task's age in the table. */
export function age(fromIso: string, now: number): string {
  const s = Math.max(0, (now - Date.parse(fromIso)) / 1000);
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** How long a task ran (start to finish, or to now while it runs); null when it never started. */
export function runTime(t: { startedAt: string | null; finishedAt: string | null }, now: number): number | null {
  if (!t.startedAt) return null;
  return (t.finishedAt ? Date.parse(t.finishedAt) : now) - Date.parse(t.startedAt);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export const dateTime = (iso: string | null) => (iso ? timeFormat.format(new Date(iso)) : "—");
export const clock = (iso: string) => clockFormat.format(new Date(iso));

const numberFormat = new Intl.NumberFormat();
export const count = (n: number) => numberFormat.format(n);

export const excerpt = (text: string, max = 120) =>
  text.length <= max ? text.replace(/\s+/g, " ") : `${text.slice(0, max).replace(/\s+/g, " ")}…`;

/** An ISO time → the value of an `<input type="datetime-local">` (local time, to the minute), and back. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** undefined for "" and for what is no time (a hand-edited URL): never a RangeError that takes the page down. */
export function fromLocalInput(value: string): string | undefined {
  const time = value ? new Date(value) : null;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
}

/** A system prompt as text: given as text, or as text blocks (joined). */
export function systemText(system: string | readonly { text: string }[] | null): string {
  if (system === null) return "";
  return typeof system === "string" ? system : system.map((b) => b.text).join("\n\n");
}
