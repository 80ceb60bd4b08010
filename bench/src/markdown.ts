import type { Usage } from "./resources.ts";
import type { NatsCounters } from "./servers.ts";
import { round, type Spread, spread } from "./stats.ts";

/** One run as the results keep it (older results have neither `tasks` nor `nats`). */
export type Run<F> = { figures: F; tasks?: number; usage: Record<string, Usage>; nats?: NatsCounters };
export type BySystem<F> = Record<string, Run<F>[]>;

/** A median with its range over repetitions ("1,211 (1,089–1,320)"), or the one figure of a single run. */
export const fmt = (s: Spread, digits = 0) =>
  s.runs.length > 1
    ? `${round(s.median, digits).toLocaleString("en")} (${round(s.min, digits).toLocaleString("en")}–${round(s.max, digits).toLocaleString("en")})`
    : round(s.median, digits).toLocaleString("en");
export const of = <F>(runs: Run<F>[], pick: (f: F) => number) => spread(runs.map((r) => pick(r.figures)));
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
export const table = (head: string[], rows: (string | number)[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
