/** The p-quantile (0–1) of a sample, nearest rank; 0 for an empty one. */
export const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
