import { percentile, round } from "./stats.ts";
import type { Driver } from "./systems/driver.ts";
import { inPool, paced } from "./workload.ts";

export type BurstFigures = { throughput: number; seconds: number; p50: number; p99: number };
export type PacedFigures = {
  submitP50: number;
  submitP99: number;
  completedP50: number;
  completedP99: number;
  getP50?: number;
  getP99?: number;
};

const ms = (xs: number[], p: number) => round(percentile(xs, p), 2);

/** `n` tasks, `inFlight` submits at a time; from the first submit to the last completion. */
export async function burst(d: Driver, n: number, inFlight: number, timeoutMs: number): Promise<BurstFigures> {
  const submittedAt = new Map<string, number>();
  const t0 = Date.now();
  await inPool(n, inFlight, async (i) => {
    const at = Date.now();
    submittedAt.set(await d.submit(i), at);
  });
  const done = await d.completions([...submittedAt.keys()], timeoutMs);
  const latencies = [...submittedAt].map(([key, at]) => (done.get(key) as number) - at);
  const seconds = (Math.max(...done.values()) - t0) / 1000;
  return {
    throughput: round(n / seconds, 0),
    seconds: round(seconds, 2),
    p50: ms(latencies, 0.5),
    p99: ms(latencies, 0.99),
  };
}

/** A steady `perSecond` for `seconds`: how long a submit takes, and how long until the task is seen completed. */
export async function steady(d: Driver, perSecond: number, seconds: number, timeoutMs: number): Promise<PacedFigures> {
  const submittedAt = new Map<string, number>();
  const submitMs: number[] = [];
  const seenByGet: Promise<number>[] = [];
  await paced(perSecond, seconds, async (i) => {
    const at = Date.now();
    const t = performance.now();
    const key = await d.submit(i);
    submitMs.push(performance.now() - t);
    submittedAt.set(key, at);
    // One task in ten is polled: polling them all is a load of its own (~3,000 GETs/s), not a measurement.
    if (d.seenByGet && i % 10 === 0) seenByGet.push(d.seenByGet(key).then((seen) => seen - at));
  });
  const done = await d.completions([...submittedAt.keys()], timeoutMs);
  const completedMs = [...submittedAt].map(([key, at]) => (done.get(key) as number) - at);
  const get = await Promise.all(seenByGet);
  return {
    submitP50: ms(submitMs, 0.5),
    submitP99: ms(submitMs, 0.99),
    completedP50: ms(completedMs, 0.5),
    completedP99: ms(completedMs, 0.99),
    ...(get.length > 0 ? { getP50: ms(get, 0.5), getP99: ms(get, 0.99) } : {}),
  };
}
