// What a command works with: the client, where to write, how (human or JSON, coloured or not), and its input.
import type { Taskjet } from "@taskjet/client";
import type { Style } from "./format.ts";

export type Io = {
  client: Taskjet;
  json: boolean;
  style: Style;
  /** A line on stdout. */
  out(text: string): void;
  /** Text on stdout as it is, no line break added (streamed output). */
  write(text: string): void;
  err(text: string): void;
  /** Standard input, whole, when it is not a terminal; null when it is. */
  readStdin(): Promise<string | null>;
  /** Aborted on Ctrl-C: long-running commands end cleanly. */
  signal: AbortSignal;
};

/** A command line that cannot be run as written: exit code 2, and what to type instead. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The API refused or failed the call, or could not be reached. */
  error: 1,
  usage: 2,
  /** With --wait or --follow: the task failed. */
  failed: 3,
  /** With --wait or --follow: the task was cancelled. */
  cancelled: 4,
  /** With --wait --timeout: the task had not finished in time. */
  timeout: 5,
  interrupted: 130,
} as const;

export const json = (value: unknown) => JSON.stringify(value, null, 2);
