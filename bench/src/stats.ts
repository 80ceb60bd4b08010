import { percentile } from "@taskjet/testkit";

export { percentile };

export const median = (xs: number[]) => percentile(xs, 0.5);

/** A figure over repetitions: the median, and the spread. */
export type Spread = { median: number; min: number; max: number; runs: number[] };
export function spread(runs: number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
