import type { OutputDelta } from "@taskjet/events";

/**
 * One Server-Sent Events frame. JSON has no raw line breaks, so `data` is one line; an `id` is what the client
 * sends back as `Last-Event-ID` when it reconnects.
 */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Where a delta stands in a task's output: its generation, attempt and index (each attempt counts from 0). */
type DeltaPlace = readonly [gen: number, attempt: number, index: number];

export const deltaEventId = (d: Pick<OutputDelta, "gen" | "attempt" | "index">) => `${d.gen}.${d.attempt}.${d.index}`;

/** A `Last-Event-ID` this stream sent (`<gen>.<attempt>.<index>`); null when there is none, "invalid" else. */
export function parseDeltaEventId(raw: string | string[] | undefined): DeltaPlace | null | "invalid" {
  if (raw === undefined || raw === "") return null;
  const m = typeof raw === "string" ? /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})$/.exec(raw) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : "invalid";
}

/** Whether a delta comes after `place`: a later generation, a later attempt, or a later piece of the same one. */
export function deltaAfter(d: Pick<OutputDelta, "gen" | "attempt" | "index">, place: DeltaPlace): boolean {
  const [gen, attempt, index] = place;
  if (d.gen !== gen) return d.gen > gen;
  if (d.attempt !== attempt) return d.attempt > attempt;
  return d.index > index;
}
